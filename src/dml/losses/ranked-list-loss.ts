import * as tf from '@tensorflow/tfjs-core';
import type { Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import type { IndicesTuple } from '../indices';
import { MeanReducer } from '../reducers/mean-reducer';
import type { Reducer } from '../reducers/reducer';
import { checkBatch, zeroLoss, type MetricLoss } from './metric-loss';
import { pairMasks } from './pair-masks';
import { z } from 'zod';
import { reducerOption, finiteOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface RankedListLossOptions {
  /** Gap m between the positive set (within α - m) and the negative set (beyond α). Default 0.4. */
  margin?: number;
  /** Boundary α: negatives closer than this are penalised. Default `1 + margin / 2` (1.2). */
  boundary?: number;
  /** Temperature of the negative weighting `exp(Tn (α - d))`. Default 10. */
  tn?: number;
  /** Temperature of the positive weighting `exp(Tp (d - (α - m)))`; 0 averages uniformly. Default 0. */
  tp?: number;
  /** Weight λ of the negative part: `(1 - λ) L_P + λ L_N`. Default 0.5. */
  imbalance?: number;
  /** Must be a distance (not a similarity). Default `LpDistance()`. */
  distance?: Distance;
  /** Default `MeanReducer` over anchors. */
  reducer?: Reducer;
}

/**
 * Ranked list loss (Wang et al. 2019, RLL-Simpler defaults). For each anchor, positives
 * farther than `α - m` and negatives closer than `α` are the non-trivial ones; each side is a
 * weighted mean of its hinge values,
 * `L_P = Σ w_p (d - (α - m)) / Σ w_p`, `L_N = Σ w_n (α - d) / Σ w_n`, with
 * `w_p = exp(Tp (d - (α - m)))`, `w_n = exp(Tn (α - d))`; a side with nothing non-trivial
 * contributes 0. Mined pairs, when given, restrict which pairs may enter either set.
 * Follows pytorch-metric-learning's formulation (gradients flow through the weights).
 *
 * @example
 * const loss = new RankedListLoss({ margin: 0.4, tn: 10 });
 * loss.compute(embeddings, labels);
 */
export class RankedListLoss implements MetricLoss {
  readonly name = 'ranked-list';
  readonly margin: number;
  readonly boundary: number;
  readonly tn: number;
  readonly tp: number;
  readonly imbalance: number;
  readonly distance: Distance;
  readonly reducer: Reducer;

  constructor(options: RankedListLossOptions = {}) {
    this.margin = options.margin ?? 0.4;
    this.boundary = options.boundary ?? 1 + this.margin / 2;
    this.tn = options.tn ?? 10;
    this.tp = options.tp ?? 0;
    this.imbalance = options.imbalance ?? 0.5;
    if (!(this.margin >= 0)) throw new Error(`RankedListLoss: margin must be ≥ 0, got ${options.margin}`);
    if (!Number.isFinite(this.boundary)) throw new Error(`RankedListLoss: boundary must be finite, got ${options.boundary}`);
    if (!Number.isFinite(this.tn)) throw new Error(`RankedListLoss: tn must be finite, got ${options.tn}`);
    if (!Number.isFinite(this.tp)) throw new Error(`RankedListLoss: tp must be finite, got ${options.tp}`);
    if (!(this.imbalance >= 0 && this.imbalance <= 1)) {
      throw new Error(`RankedListLoss: imbalance must be in [0, 1], got ${options.imbalance}`);
    }
    this.distance = options.distance ?? new LpDistance();
    if (this.distance.isSimilarity) throw new Error(`RankedListLoss: distance must be a distance, got similarity '${this.distance.name}'`);
    this.reducer = options.reducer ?? new MeanReducer();
  }

  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar {
    checkBatch('RankedListLoss', embeddings, labels);
    const masks = pairMasks(labels, indices, 'RankedListLoss');
    if (masks.positiveCount + masks.negativeCount === 0) return zeroLoss(embeddings);
    const n = labels.length;
    const positiveEdge = this.boundary - this.margin;
    return tf.tidy(() => {
      const mat = this.distance.matrix(embeddings, embeddings);
      const posHinge = tf.sub(mat, positiveEdge);
      const negHinge = tf.sub(this.boundary, mat);
      // step() builds the masks because comparison ops have no registered gradient and these sit on the backward path.
      const pos = tf.mul(tf.tensor2d(masks.positive, [n, n]), tf.step(posHinge));
      const neg = tf.mul(tf.tensor2d(masks.negative, [n, n]), tf.step(negHinge));
      return this.reducer.reduce(
        tf.add(
          tf.mul(weightedMean(posHinge, tf.mul(posHinge, this.tp), pos), 1 - this.imbalance),
          tf.mul(weightedMean(negHinge, tf.mul(negHinge, this.tn), neg), this.imbalance),
        ) as tf.Tensor1D,
      );
    });
  }

  trainableVariables(): tf.Variable[] {
    return [];
  }
}

/** Row-wise `Σ exp(logit) · value / Σ exp(logit)` over entries where `keep` is 1; 0 for rows with nothing kept. */
function weightedMean(value: tf.Tensor, logit: tf.Tensor, keep: tf.Tensor): tf.Tensor1D {
  // Excluded entries get exponent 0 before masking, so a large excluded logit cannot overflow into inf · 0.
  const weights = tf.mul(tf.exp(tf.where(tf.cast(keep, 'bool'), logit, tf.zerosLike(logit))), keep);
  const total = tf.sum(weights, 1);
  const empty = tf.sub(1, tf.step(total));
  return tf.div(tf.sum(tf.mul(weights, value), 1), tf.add(total, empty)) as tf.Tensor1D;
}

/** Builds the loss by name (`ranked-list`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'ranked-list',
  options: z
    .strictObject({
      distance: z.enum(['euclidean', 'squared-euclidean']),
      reducer: reducerOption,
      margin: z.number().finite().nonnegative(),
      boundary: finiteOption,
      tn: finiteOption,
      tp: finiteOption,
      imbalance: z.number().min(0).max(1),
    })
    .partial(),
  create: (options) => new RankedListLoss(options),
});
