import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoder/encoder';
import { PRIMARY } from './canary-gate';
import { scoreHoldout } from './holdout-score';
import type { HeldOutSet } from './publisher';

/** An encoder's score on the holdout, in the canary gate's primary metric. */
export interface HoldoutScore {
  metric: string;
  score: number;
}

/**
 * Scores `encoder` (TF.js, in inference mode) on a held-out set and picks the canary gate's
 * primary metric: MAP@R with at least `minHeldOut` held-out queries, else triplet agreement,
 * else pair AUC. Undefined when the holdout is too small to judge by any of them. Embeds only
 * the held-out rows, never the catalog.
 *
 * @example
 * const result = await scoreEncoderOnHoldout(encoder, memory.heldOut.snapshot(catalog, 2000), 50);
 * result; // { metric: 'mapAtR', score: 0.47 }
 */
export async function scoreEncoderOnHoldout(encoder: Encoder, set: HeldOutSet, minHeldOut: number, batchSize = 256): Promise<HoldoutScore | undefined> {
  const rowSize = encoder.inputShape.reduce((a, b) => a * b, 1);
  const rows = set.inputs.length / rowSize;
  if (rows === 0) return undefined;
  const vectors = new Float32Array(rows * encoder.dim);
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const x = tf.tensor(set.inputs.subarray(start * rowSize, (start + n) * rowSize), [n, ...encoder.inputShape]);
    const e = encoder.embed(x);
    vectors.set(e.dataSync(), start * encoder.dim);
    tf.dispose([x, e]);
  }
  const metrics = await scoreHoldout(vectors, encoder.dim, set);
  const chosen = PRIMARY.find(({ metric, count }) => (metrics[count] ?? 0) >= minHeldOut && metrics[metric] !== undefined);
  return chosen ? { metric: chosen.metric, score: metrics[chosen.metric] } : undefined;
}
