import * as tf from '@tensorflow/tfjs-core';
import { excessDistance, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import type { IndicesTuple } from '../indices';
import { MeanReducer } from '../reducers/mean-reducer';
import type { Reducer } from '../reducers/reducer';
import { maskedLogSumExp } from './masked-log-sum-exp';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { pairMasks } from './pair-masks';
import { z } from 'zod';
import { distanceOption, reducerOption, finiteOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface GeneralizedLiftedStructureLossOptions {
  /** Positive pairs beyond this distance are penalised. Default 0. */
  posMargin?: number;
  /** Negative pairs within this distance are penalised. Default 1. */
  negMargin?: number;
  /** Default `LpDistance()` (Euclidean on unit vectors). */
  distance?: Distance;
  /** Default `MeanReducer` over anchors. */
  reducer?: Reducer;
}

/**
 * Generalised lifted structure loss (Hermans, Beyer & Leibe 2017, "In Defense of the Triplet
 * Loss", generalising Oh Song et al. 2016). Per anchor i, a smooth maximum over its positives
 * plus one over its negatives:
 * `relu( log Σ_p exp(d(i,p) - posMargin) + log Σ_n exp(negMargin - d(i,n)) )`
 * (mirrored for similarities). A side with no pairs contributes 0. Defaults are
 * pytorch-metric-learning's.
 *
 * @example
 * const loss = new GeneralizedLiftedStructureLoss({ negMargin: 1, posMargin: 0 });
 * loss.compute(embeddings, labels);
 */
export class GeneralizedLiftedStructureLoss implements MetricLoss {
  readonly name = 'lifted';
  readonly posMargin: number;
  readonly negMargin: number;
  readonly distance: Distance;
  readonly reducer: Reducer;

  constructor(options: GeneralizedLiftedStructureLossOptions = {}) {
    this.posMargin = options.posMargin ?? 0;
    this.negMargin = options.negMargin ?? 1;
    if (!Number.isFinite(this.posMargin)) throw new Error(`GeneralizedLiftedStructureLoss: posMargin must be finite, got ${options.posMargin}`);
    if (!Number.isFinite(this.negMargin)) throw new Error(`GeneralizedLiftedStructureLoss: negMargin must be finite, got ${options.negMargin}`);
    this.distance = options.distance ?? new LpDistance();
    this.reducer = options.reducer ?? new MeanReducer();
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('GeneralizedLiftedStructureLoss', embeddings, labels);
    const masks = pairMasks(labels, indices, 'GeneralizedLiftedStructureLoss');
    if (masks.positiveCount + masks.negativeCount === 0) return zeroLoss(embeddings);
    const n = labels.length;
    return tf.tidy(() => {
      const mat = this.distance.matrix(embeddings, embeddings);
      const pos = maskedLogSumExp(excessDistance(this.distance, mat, this.posMargin) as tf.Tensor2D, tf.tensor2d(masks.positive, [n, n]), false);
      const neg = maskedLogSumExp(excessDistance(this.distance, this.negMargin, mat) as tf.Tensor2D, tf.tensor2d(masks.negative, [n, n]), false);
      return this.reducer.reduce(tf.relu(tf.add(pos, neg)) as tf.Tensor1D);
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Builds the loss by name (`lifted`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'lifted',
  options: z.strictObject({ distance: distanceOption, reducer: reducerOption, posMargin: finiteOption, negMargin: finiteOption }).partial(),
  create: (options) => new GeneralizedLiftedStructureLoss(options),
});
