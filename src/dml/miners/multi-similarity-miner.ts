import type * as tf from '@tensorflow/tfjs-core';
import { CosineSimilarity } from '../distances/cosine-similarity';
import { closenessOf, type Distance } from '../distances/distance';
import type { PairIndices } from '../indices';
import { checkMinerInput, downloadDistances, type Miner } from './miner';
import { z } from 'zod';
import { distanceOption, finiteOption } from '../option-parts';
import { defineMiner } from './miner-registration';

export interface MultiSimilarityMinerOptions {
  /** Slack ε of the pair-selection rule. Default 0.1. */
  epsilon?: number;
  /** Default `CosineSimilarity()`. */
  distance?: Distance;
}

/**
 * Pair mining from the multi-similarity paper (Wang et al. 2019). With similarities S, for
 * anchor i a negative k is kept when `S_ik + ε > min_p S_ip` (closer than its hardest positive,
 * up to ε), and a positive j when `S_ij - ε < max_n S_in` (farther than its hardest negative,
 * up to ε). For distances the comparisons mirror. Anchors lacking positives or negatives yield
 * no pairs.
 *
 * @example
 * const pairs = new MultiSimilarityMiner({ epsilon: 0.1 }).mine(embeddings, labels);
 * new MultiSimilarityLoss().compute(embeddings, labels, pairs);
 */
export class MultiSimilarityMiner implements Miner {
  readonly name = 'multi-similarity';
  readonly epsilon: number;
  readonly distance: Distance;

  constructor(options: MultiSimilarityMinerOptions = {}) {
    this.epsilon = options.epsilon ?? 0.1;
    if (!Number.isFinite(this.epsilon)) throw new Error(`MultiSimilarityMiner: epsilon must be finite, got ${options.epsilon}`);
    this.distance = options.distance ?? new CosineSimilarity();
  }

  mine(embeddings: tf.Tensor2D, labels: Int32Array): PairIndices {
    checkMinerInput('MultiSimilarityMiner', embeddings, labels);
    const n = labels.length;
    const mat = downloadDistances(this.distance, embeddings);
    const posA: number[] = [];
    const posB: number[] = [];
    const negA: number[] = [];
    const negB: number[] = [];
    for (let a = 0; a < n; a++) {
      let hardestPos = Infinity;
      let hardestNeg = -Infinity;
      for (let j = 0; j < n; j++) {
        if (j === a) continue;
        const c = closenessOf(this.distance, mat[a * n + j]);
        if (labels[j] === labels[a]) hardestPos = Math.min(hardestPos, c);
        else hardestNeg = Math.max(hardestNeg, c);
      }
      if (hardestPos === Infinity || hardestNeg === -Infinity) continue;
      for (let j = 0; j < n; j++) {
        if (j === a) continue;
        const c = closenessOf(this.distance, mat[a * n + j]);
        if (labels[j] === labels[a]) {
          if (c - this.epsilon < hardestNeg) {
            posA.push(a);
            posB.push(j);
          }
        } else if (c + this.epsilon > hardestPos) {
          negA.push(a);
          negB.push(j);
        }
      }
    }
    return {
      kind: 'pairs',
      posA: Int32Array.from(posA),
      posB: Int32Array.from(posB),
      negA: Int32Array.from(negA),
      negB: Int32Array.from(negB),
    };
  }
}

/** Builds the miner by name (`multi-similarity`) from plain options, for the registry. */
export const registration = defineMiner({
  name: 'multi-similarity',
  options: z.strictObject({ distance: distanceOption, epsilon: finiteOption }).partial(),
  create: (options) => new MultiSimilarityMiner(options),
});
