import type * as tf from '@tensorflow/tfjs-core';
import { closenessOf, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import { tripletsFrom, type TripletIndices } from '../indices';
import { checkMinerInput, downloadDistances, type Miner } from './miner';
import { z } from 'zod';
import { distanceOption, finiteOption } from '../option-parts';
import { defineMiner } from './miner-registration';

/** Which triplets to keep, by their gap `g = d(a,n) - d(a,p)` (closeness-oriented). */
export type TripletType = 'all' | 'hard' | 'semihard' | 'easy';

export interface TripletMarginMinerOptions {
  /** Default 0.2. */
  margin?: number;
  /**
   * - `all`: every triplet violating the margin (`g ≤ margin`);
   * - `hard`: the negative is at least as close as the positive (`g ≤ 0`);
   * - `semihard`: the negative is farther, but within the margin (`0 < g ≤ margin`);
   * - `easy`: already satisfied (`g > margin`).
   * Default `all`.
   */
  type?: TripletType;
  /** Default `LpDistance()`. */
  distance?: Distance;
}

/**
 * Keeps the batch's triplets whose margin gap falls in the chosen band (as in
 * pytorch-metric-learning's `TripletMarginMiner`).
 *
 * @example
 * const semiHard = new TripletMarginMiner({ type: 'semihard', margin: 0.2 }).mine(embeddings, labels);
 */
export class TripletMarginMiner implements Miner {
  readonly name: string = 'triplet-margin';
  readonly margin: number;
  readonly type: TripletType;
  readonly distance: Distance;

  constructor(options: TripletMarginMinerOptions = {}) {
    this.margin = options.margin ?? 0.2;
    if (!Number.isFinite(this.margin)) throw new Error(`TripletMarginMiner: margin must be finite, got ${options.margin}`);
    this.type = options.type ?? 'all';
    if (!['all', 'hard', 'semihard', 'easy'].includes(this.type)) {
      throw new Error(`TripletMarginMiner: type must be one of all, hard, semihard, easy; got '${options.type}'`);
    }
    this.distance = options.distance ?? new LpDistance();
  }

  mine(embeddings: tf.Tensor2D, labels: Int32Array): TripletIndices {
    checkMinerInput('TripletMarginMiner', embeddings, labels);
    const n = labels.length;
    const mat = downloadDistances(this.distance, embeddings);
    const anchors: number[] = [];
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let a = 0; a < n; a++) {
      for (let p = 0; p < n; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        const ap = closenessOf(this.distance, mat[a * n + p]);
        for (let neg = 0; neg < n; neg++) {
          if (labels[neg] === labels[a]) continue;
          if (!this.keeps(ap - closenessOf(this.distance, mat[a * n + neg]))) continue;
          anchors.push(a);
          positives.push(p);
          negatives.push(neg);
        }
      }
    }
    return tripletsFrom(anchors, positives, negatives);
  }

  private keeps(gap: number): boolean {
    switch (this.type) {
      case 'easy':
        return gap > this.margin;
      case 'hard':
        return gap <= this.margin && gap <= 0;
      case 'semihard':
        return gap <= this.margin && gap > 0;
      case 'all':
        return gap <= this.margin;
    }
  }
}

/**
 * Semi-hard mining (Schroff et al. 2015, FaceNet): triplets whose negative is farther than the
 * positive but still within the margin. A {@link TripletMarginMiner} fixed to `semihard`.
 *
 * @example
 * const triplets = new SemiHardMiner({ margin: 0.2 }).mine(embeddings, labels);
 */
export class SemiHardMiner extends TripletMarginMiner {
  override readonly name = 'semi-hard';

  constructor(options: Omit<TripletMarginMinerOptions, 'type'> = {}) {
    super({ ...options, type: 'semihard' });
  }
}

/** Builds the miner by name (`semi-hard`) from plain options, for the registry. */
export const registration = defineMiner({
  name: 'semi-hard',
  options: z.strictObject({ distance: distanceOption, margin: finiteOption }).partial(),
  create: (options) => new SemiHardMiner(options),
});
