import * as tf from '@tensorflow/tfjs-core';
import { excessDistance, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import { allTriplets, asTriplets, checkIndices, type IndicesTuple } from '../indices';
import { AvgNonZeroReducer } from '../reducers/avg-non-zero-reducer';
import type { Reducer } from '../reducers/reducer';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { pairValues } from './pair-masks';
import { z } from 'zod';
import { distanceOption, reducerOption, finiteOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface TripletMarginLossOptions {
  /** Required gap between anchor-negative and anchor-positive. Default 0.05. */
  margin?: number;
  /** `softplus(violation)` instead of `relu(violation)`: never exactly zero, smooth at the margin. Default false. */
  smoothLoss?: boolean;
  /** Default `LpDistance()` (Euclidean on unit vectors). */
  distance?: Distance;
  /** Default `AvgNonZeroReducer` (mean over triplets still violating the margin). */
  reducer?: Reducer;
}

/**
 * Triplet margin loss (Weinberger & Saul 2009; Schroff et al. 2015, FaceNet):
 * `relu(d(a,p) - d(a,n) + margin)` per triplet (mirrored for similarities). Without mined
 * indices every valid triplet of the batch is used; mined pairs are joined into triplets.
 * Defaults are pytorch-metric-learning's.
 *
 * @example
 * const loss = new TripletMarginLoss({ margin: 0.2 });
 * loss.compute(embeddings, labels, new BatchHardMiner().mine(embeddings, labels));
 */
export class TripletMarginLoss implements MetricLoss {
  readonly name = 'triplet';
  readonly margin: number;
  readonly smoothLoss: boolean;
  readonly distance: Distance;
  readonly reducer: Reducer;

  constructor(options: TripletMarginLossOptions = {}) {
    this.margin = options.margin ?? 0.05;
    if (!Number.isFinite(this.margin)) throw new Error(`TripletMarginLoss: margin must be finite, got ${options.margin}`);
    this.smoothLoss = options.smoothLoss ?? false;
    this.distance = options.distance ?? new LpDistance();
    this.reducer = options.reducer ?? new AvgNonZeroReducer();
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('TripletMarginLoss', embeddings, labels);
    if (indices) checkIndices(indices, labels.length, 'TripletMarginLoss');
    const triplets = indices ? asTriplets(indices) : allTriplets(labels);
    if (triplets.anchors.length === 0) return zeroLoss(embeddings);
    return tf.tidy(() => {
      const mat = this.distance.matrix(embeddings, embeddings);
      const ap = pairValues(mat, triplets.anchors, triplets.positives);
      const an = pairValues(mat, triplets.anchors, triplets.negatives);
      const violation = tf.add(excessDistance(this.distance, ap, an), this.margin);
      const losses = (this.smoothLoss ? tf.softplus(violation) : tf.relu(violation)) as tf.Tensor1D;
      return this.reducer.reduce(losses);
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Builds the loss by name (`triplet`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'triplet',
  options: z.strictObject({ distance: distanceOption, reducer: reducerOption, margin: finiteOption, smoothLoss: z.boolean() }).partial(),
  create: (options) => new TripletMarginLoss(options),
});
