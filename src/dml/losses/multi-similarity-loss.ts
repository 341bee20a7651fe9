import * as tf from '@tensorflow/tfjs-core';
import { CosineSimilarity } from '../distances/cosine-similarity';
import { excessDistance, type Distance } from '../distances/distance';
import type { IndicesTuple } from '../indices';
import { MeanReducer } from '../reducers/mean-reducer';
import type { Reducer } from '../reducers/reducer';
import { maskedLogSumExp } from './masked-log-sum-exp';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { pairMasks } from './pair-masks';
import { z } from 'zod';
import { distanceOption, reducerOption, finiteOption, positiveOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface MultiSimilarityLossOptions {
  /** Weight of positive pairs. Default 2. */
  alpha?: number;
  /** Weight of negative pairs. Default 50. */
  beta?: number;
  /** Similarity threshold λ around which pairs are weighted. Default 0.5. */
  base?: number;
  /** Default `CosineSimilarity()`. */
  distance?: Distance;
  /** Default `MeanReducer` over anchors. */
  reducer?: Reducer;
}

/**
 * Multi-similarity loss (Wang et al. 2019). Per anchor i, with similarities S:
 * `1/α · log(1 + Σ_p exp(-α (S_ip - λ))) + 1/β · log(1 + Σ_n exp(β (S_in - λ)))`
 * (with a distance, `S - λ` becomes `λ - d`). Defaults α = 2, β = 50, λ = 0.5 as in the paper
 * and pytorch-metric-learning; pair it with `MultiSimilarityMiner` for the paper's setup.
 *
 * @example
 * const loss = new MultiSimilarityLoss();
 * loss.compute(embeddings, labels, new MultiSimilarityMiner().mine(embeddings, labels));
 */
export class MultiSimilarityLoss implements MetricLoss {
  readonly name = 'multi-similarity';
  readonly alpha: number;
  readonly beta: number;
  readonly base: number;
  readonly distance: Distance;
  readonly reducer: Reducer;

  constructor(options: MultiSimilarityLossOptions = {}) {
    this.alpha = options.alpha ?? 2;
    this.beta = options.beta ?? 50;
    this.base = options.base ?? 0.5;
    if (!(this.alpha > 0)) throw new Error(`MultiSimilarityLoss: alpha must be > 0, got ${options.alpha}`);
    if (!(this.beta > 0)) throw new Error(`MultiSimilarityLoss: beta must be > 0, got ${options.beta}`);
    if (!Number.isFinite(this.base)) throw new Error(`MultiSimilarityLoss: base must be finite, got ${options.base}`);
    this.distance = options.distance ?? new CosineSimilarity();
    this.reducer = options.reducer ?? new MeanReducer();
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('MultiSimilarityLoss', embeddings, labels);
    const masks = pairMasks(labels, indices, 'MultiSimilarityLoss');
    if (masks.positiveCount + masks.negativeCount === 0) return zeroLoss(embeddings);
    const n = labels.length;
    return tf.tidy(() => {
      const mat = this.distance.matrix(embeddings, embeddings);
      const posExp = tf.mul(excessDistance(this.distance, mat, this.base), this.alpha) as tf.Tensor2D;
      const negExp = tf.mul(excessDistance(this.distance, this.base, mat), this.beta) as tf.Tensor2D;
      const pos = tf.div(maskedLogSumExp(posExp, tf.tensor2d(masks.positive, [n, n]), true), this.alpha);
      const neg = tf.div(maskedLogSumExp(negExp, tf.tensor2d(masks.negative, [n, n]), true), this.beta);
      return this.reducer.reduce(tf.add(pos, neg) as tf.Tensor1D);
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Builds the loss by name (`multi-similarity`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'multi-similarity',
  options: z.strictObject({ distance: distanceOption, reducer: reducerOption, alpha: positiveOption, beta: positiveOption, base: finiteOption }).partial(),
  create: (options) => new MultiSimilarityLoss(options),
});
