import * as tf from '@tensorflow/tfjs-core';
import { closeness, type Distance } from '../distances/distance';
import { DotProductSimilarity } from '../distances/dot-product-similarity';
import { allPairs, asPairs, checkIndices, type IndicesTuple } from '../indices';
import { MeanReducer } from '../reducers/mean-reducer';
import type { Reducer } from '../reducers/reducer';
import { gatherRows } from './gather-rows';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { z } from 'zod';
import { distanceOption, reducerOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface NPairsLossOptions {
  /** Default `DotProductSimilarity()` (unnormalised inner product, as in the paper). */
  distance?: Distance;
  /** Default `MeanReducer` over the (N) anchors. */
  reducer?: Reducer;
  /** Weight of the paper's `mean ‖f‖²` penalty on the selected embeddings. Default 0 (off). */
  embeddingL2Weight?: number;
}

/**
 * Multi-class N-pair loss (Sohn 2016). One positive pair `(a_c, p_c)` is taken per class
 * (the first one in row order, or the first mined one), and each anchor must pick its own
 * positive among all N positives: cross-entropy over `closeness(a_i, p_j)`, target `j = i`.
 * Classes with a single sample contribute no pair. Defaults are pytorch-metric-learning's.
 *
 * @example
 * const loss = new NPairsLoss({ embeddingL2Weight: 0.002 });
 * loss.compute(embeddings, labels); // batch from a PQSampler with Q ≥ 2
 */
export class NPairsLoss implements MetricLoss {
  readonly name = 'npair';
  readonly distance: Distance;
  readonly reducer: Reducer;
  readonly embeddingL2Weight: number;

  constructor(options: NPairsLossOptions = {}) {
    this.distance = options.distance ?? new DotProductSimilarity();
    this.reducer = options.reducer ?? new MeanReducer();
    this.embeddingL2Weight = options.embeddingL2Weight ?? 0;
    if (!(this.embeddingL2Weight >= 0)) {
      throw new Error(`NPairsLoss: embeddingL2Weight must be ≥ 0, got ${options.embeddingL2Weight}`);
    }
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('NPairsLoss', embeddings, labels);
    if (indices) checkIndices(indices, labels.length, 'NPairsLoss');
    const pairs = indices ? asPairs(indices) : allPairs(labels);
    const anchors: number[] = [];
    const positives: number[] = [];
    const seen = new Set<number>();
    for (let i = 0; i < pairs.posA.length; i++) {
      const label = labels[pairs.posA[i]];
      if (seen.has(label)) continue;
      seen.add(label);
      anchors.push(pairs.posA[i]);
      positives.push(pairs.posB[i]);
    }
    if (anchors.length === 0) return zeroLoss(embeddings);
    return tf.tidy(() => {
      const a = gatherRows(embeddings, Int32Array.from(anchors));
      const p = gatherRows(embeddings, Int32Array.from(positives));
      const logits = closeness(this.distance, this.distance.matrix(a, p));
      const target = tf.sum(tf.mul(logits, tf.eye(anchors.length)), 1);
      const losses = tf.sub(tf.logSumExp(logits, 1), target) as tf.Tensor1D;
      const loss = this.reducer.reduce(losses);
      if (this.embeddingL2Weight === 0) return loss;
      const l2 = tf.mean(tf.sum(tf.square(tf.concat([a, p], 0)), 1));
      return tf.add(loss, tf.mul(l2, this.embeddingL2Weight));
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Builds the loss by name (`npair`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'npair',
  options: z.strictObject({ distance: distanceOption, reducer: reducerOption, embeddingL2Weight: z.number().finite().nonnegative() }).partial(),
  create: (options) => new NPairsLoss(options),
});
