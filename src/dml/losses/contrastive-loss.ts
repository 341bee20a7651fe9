import * as tf from '@tensorflow/tfjs-core';
import { excessDistance, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import { allPairs, asPairs, checkIndices, type IndicesTuple } from '../indices';
import { AvgNonZeroReducer } from '../reducers/avg-non-zero-reducer';
import type { Reducer } from '../reducers/reducer';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { pairValues } from './pair-masks';
import { z } from 'zod';
import { distanceOption, reducerOption, finiteOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface ContrastiveLossOptions {
  /** Positive pairs are penalised once farther than this. Default 0 (distance) or 1 (similarity). */
  posMargin?: number;
  /** Negative pairs are penalised once closer than this. Default 1 (distance) or 0 (similarity). */
  negMargin?: number;
  /** Default `LpDistance()` (Euclidean on unit vectors). */
  distance?: Distance;
  /** Applied separately to positive and negative pair losses, which are then added. Default `AvgNonZeroReducer`. */
  reducer?: Reducer;
}

/**
 * Contrastive loss (Hadsell, Chopra & LeCun 2006): pulls positive pairs within `posMargin`,
 * pushes negative pairs beyond `negMargin`:
 * `relu(d(a,p) - posMargin)` and `relu(negMargin - d(a,n))` (mirrored for similarities).
 * Defaults are pytorch-metric-learning's; with a similarity the margins flip to 1 and 0.
 *
 * @example
 * const loss = new ContrastiveLoss({ negMargin: 0.8 });
 * const value = loss.compute(embeddings, labels); // all pairs in the batch
 */
export class ContrastiveLoss implements MetricLoss {
  readonly name = 'contrastive';
  readonly posMargin: number;
  readonly negMargin: number;
  readonly distance: Distance;
  readonly reducer: Reducer;

  constructor(options: ContrastiveLossOptions = {}) {
    this.distance = options.distance ?? new LpDistance();
    this.reducer = options.reducer ?? new AvgNonZeroReducer();
    this.posMargin = options.posMargin ?? (this.distance.isSimilarity ? 1 : 0);
    this.negMargin = options.negMargin ?? (this.distance.isSimilarity ? 0 : 1);
    if (!Number.isFinite(this.posMargin)) throw new Error(`ContrastiveLoss: posMargin must be finite, got ${options.posMargin}`);
    if (!Number.isFinite(this.negMargin)) throw new Error(`ContrastiveLoss: negMargin must be finite, got ${options.negMargin}`);
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('ContrastiveLoss', embeddings, labels);
    if (indices) checkIndices(indices, labels.length, 'ContrastiveLoss');
    const pairs = indices ? asPairs(indices) : allPairs(labels);
    if (pairs.posA.length + pairs.negA.length === 0) return zeroLoss(embeddings);
    return tf.tidy(() => {
      const mat = this.distance.matrix(embeddings, embeddings);
      const pos = tf.relu(excessDistance(this.distance, pairValues(mat, pairs.posA, pairs.posB), this.posMargin)) as tf.Tensor1D;
      const neg = tf.relu(excessDistance(this.distance, this.negMargin, pairValues(mat, pairs.negA, pairs.negB))) as tf.Tensor1D;
      return tf.add(this.reducer.reduce(pos), this.reducer.reduce(neg));
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Builds the loss by name (`contrastive`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'contrastive',
  options: z.strictObject({ distance: distanceOption, reducer: reducerOption, posMargin: finiteOption, negMargin: finiteOption }).partial(),
  create: (options) => new ContrastiveLoss(options),
});
