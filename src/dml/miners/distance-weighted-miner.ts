import type * as tf from '@tensorflow/tfjs-core';
import { LpDistance } from '../distances/lp-distance';
import { tripletsFrom, type TripletIndices } from '../indices';
import { createRandom, pickCumulative, type Random } from '../random';
import { checkMinerInput, downloadDistances, type Miner } from './miner';
import { z } from 'zod';
import { defineMiner } from './miner-registration';

export interface DistanceWeightedMinerOptions {
  /** Distances are clamped up to this before weighting, to avoid the density's pole at 0. Default 0.5. */
  cutoff?: number;
  /** Negatives at or beyond this distance cannot produce a loss and are never drawn. Default 1.4. */
  nonzeroLossCutoff?: number;
  /** Default 0. */
  seed?: number;
}

/**
 * Distance-weighted sampling (Wu et al. 2017, "Sampling Matters in Deep Embedding Learning").
 * On the unit sphere in d dimensions pairwise distances have density
 * `q(s) ∝ s^(d-2) (1 - s²/4)^((d-3)/2)`; drawing negatives with weight `1 / q(s)` spreads the
 * choice evenly over distances instead of over the many far, uninformative ones. For every
 * (anchor, positive) pair one negative is drawn this way. Uses Euclidean distance on unit
 * vectors, as the density assumes. An anchor whose negatives all lie beyond
 * `nonzeroLossCutoff` draws uniformly among them.
 *
 * @example
 * const miner = new DistanceWeightedMiner({ seed: 7 });
 * const triplets = miner.mine(embeddings, labels);
 */
export class DistanceWeightedMiner implements Miner {
  readonly name = 'distance-weighted';
  readonly cutoff: number;
  readonly nonzeroLossCutoff: number;
  private readonly distance = new LpDistance();
  private readonly rng: Random;

  constructor(options: DistanceWeightedMinerOptions = {}) {
    this.cutoff = options.cutoff ?? 0.5;
    this.nonzeroLossCutoff = options.nonzeroLossCutoff ?? 1.4;
    if (!(this.cutoff >= 0 && this.cutoff < 2)) throw new Error(`DistanceWeightedMiner: cutoff must be in [0, 2), got ${options.cutoff}`);
    if (!(this.nonzeroLossCutoff > this.cutoff)) {
      throw new Error(`DistanceWeightedMiner: nonzeroLossCutoff must exceed cutoff (${this.cutoff}), got ${options.nonzeroLossCutoff}`);
    }
    this.rng = createRandom(options.seed ?? 0);
  }

  /**
   * Log of the sampling weight `1 / q(s)` for one distance (after the cutoff clamp); `-Infinity`
   * where the weight vanishes (at or beyond the non-zero-loss cutoff, or where it is undefined).
   */
  logWeight(distance: number, dim: number): number {
    if (distance >= this.nonzeroLossCutoff) return -Infinity;
    const s = Math.max(distance, this.cutoff);
    const value = (2 - dim) * Math.log(s) - ((dim - 3) / 2) * Math.log(1 - 0.25 * s * s);
    return Number.isFinite(value) ? value : -Infinity;
  }

  mine(embeddings: tf.Tensor2D, labels: Int32Array): TripletIndices {
    checkMinerInput('DistanceWeightedMiner', embeddings, labels);
    const n = labels.length;
    const dim = embeddings.shape[1];
    const mat = downloadDistances(this.distance, embeddings);
    const anchors: number[] = [];
    const positives: number[] = [];
    const negatives: number[] = [];
    const negs: number[] = [];
    const cumulative: number[] = [];
    for (let a = 0; a < n; a++) {
      negs.length = 0;
      const logWeights: number[] = [];
      let maxLog = -Infinity;
      for (let j = 0; j < n; j++) {
        if (labels[j] === labels[a]) continue;
        negs.push(j);
        const lw = this.logWeight(mat[a * n + j], dim);
        logWeights.push(lw);
        if (lw > maxLog) maxLog = lw;
      }
      if (negs.length === 0) continue;
      cumulative.length = 0;
      let total = 0;
      for (const lw of logWeights) {
        // Subtracting the row maximum keeps exp() in range for high dimensions.
        total += maxLog === -Infinity ? 1 : Math.exp(lw - maxLog);
        cumulative.push(total);
      }
      for (let p = 0; p < n; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        anchors.push(a);
        positives.push(p);
        negatives.push(negs[pickCumulative(cumulative, this.rng.next() * total)]);
      }
    }
    return tripletsFrom(anchors, positives, negatives);
  }
}

/** Builds the miner by name (`distance-weighted`) from plain options, for the registry. */
export const registration = defineMiner({
  name: 'distance-weighted',
  options: z.strictObject({ cutoff: z.number().min(0).lt(2), nonzeroLossCutoff: z.number().positive(), seed: z.number().int() }).partial(),
  create: (options) => new DistanceWeightedMiner(options),
});
