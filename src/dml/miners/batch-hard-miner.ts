import type * as tf from '@tensorflow/tfjs-core';
import { closenessOf, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import { tripletsFrom, type TripletIndices } from '../indices';
import { checkMinerInput, downloadDistances, type Miner } from './miner';
import { z } from 'zod';
import { distanceOption } from '../option-parts';
import { defineMiner } from './miner-registration';

export interface BatchHardMinerOptions {
  /** Default `LpDistance()`. */
  distance?: Distance;
}

/**
 * Batch-hard mining (Hermans, Beyer & Leibe 2017): for every anchor that has at least one
 * positive and one negative in the batch, one triplet with its least close positive and its
 * closest negative. Ties go to the lowest index.
 *
 * @example
 * const triplets = new BatchHardMiner().mine(embeddings, labels); // ≤ n triplets
 */
export class BatchHardMiner implements Miner {
  readonly name = 'batch-hard';
  readonly distance: Distance;

  constructor(options: BatchHardMinerOptions = {}) {
    this.distance = options.distance ?? new LpDistance();
  }

  mine(embeddings: tf.Tensor2D, labels: Int32Array): TripletIndices {
    checkMinerInput('BatchHardMiner', embeddings, labels);
    const n = labels.length;
    const mat = downloadDistances(this.distance, embeddings);
    const anchors: number[] = [];
    const positives: number[] = [];
    const negatives: number[] = [];
    for (let a = 0; a < n; a++) {
      let hardPos = -1;
      let hardPosCloseness = Infinity;
      let hardNeg = -1;
      let hardNegCloseness = -Infinity;
      for (let j = 0; j < n; j++) {
        if (j === a) continue;
        const c = closenessOf(this.distance, mat[a * n + j]);
        if (labels[j] === labels[a]) {
          if (c < hardPosCloseness) {
            hardPosCloseness = c;
            hardPos = j;
          }
        } else if (c > hardNegCloseness) {
          hardNegCloseness = c;
          hardNeg = j;
        }
      }
      if (hardPos < 0 || hardNeg < 0) continue;
      anchors.push(a);
      positives.push(hardPos);
      negatives.push(hardNeg);
    }
    return tripletsFrom(anchors, positives, negatives);
  }
}

/** Builds the miner by name (`batch-hard`) from plain options, for the registry. */
export const registration = defineMiner({
  name: 'batch-hard',
  options: z.strictObject({ distance: distanceOption }).partial(),
  create: (options) => new BatchHardMiner(options),
});
