import * as tf from '@tensorflow/tfjs-core';
import { gatherRows } from './gather-rows';
import { asPairs, checkIndices, type IndicesTuple } from '../indices';

/** 0/1 masks over an `[n, n]` pair matrix, as flat row-major arrays. */
export interface PairMasks {
  positive: Float32Array;
  negative: Float32Array;
  positiveCount: number;
  negativeCount: number;
}

/**
 * Which entries of the batch's pair matrix count as positive and negative pairs: from the
 * labels (same label off the diagonal / different label), or from mined indices. Losses that
 * work on whole rows (lifted, multi-similarity, ranked list) multiply by these masks instead
 * of looping over pairs.
 *
 * @example
 * const { positive, negative } = pairMasks(labels);
 * const pos = tf.tensor2d(positive, [n, n]);
 */
export function pairMasks(labels: Int32Array, indices: IndicesTuple | undefined, owner: string): PairMasks {
  const n = labels.length;
  const positive = new Float32Array(n * n);
  const negative = new Float32Array(n * n);
  if (indices) {
    checkIndices(indices, n, owner);
    const pairs = asPairs(indices);
    for (let i = 0; i < pairs.posA.length; i++) positive[pairs.posA[i] * n + pairs.posB[i]] = 1;
    for (let i = 0; i < pairs.negA.length; i++) negative[pairs.negA[i] * n + pairs.negB[i]] = 1;
  } else {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        if (labels[i] === labels[j]) positive[i * n + j] = 1;
        else negative[i * n + j] = 1;
      }
    }
  }
  let positiveCount = 0;
  let negativeCount = 0;
  for (let k = 0; k < n * n; k++) {
    positiveCount += positive[k];
    negativeCount += negative[k];
  }
  return { positive, negative, positiveCount, negativeCount };
}

/**
 * `mat[rows[k], cols[k]]` for every k, differentiable (a gather on the flattened matrix).
 *
 * @example
 * const ap = pairValues(mat, triplets.anchors, triplets.positives);
 */
export function pairValues(mat: tf.Tensor2D, rows: Int32Array, cols: Int32Array): tf.Tensor1D {
  return tf.tidy(() => {
    const width = mat.shape[1];
    const flat = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) flat[k] = rows[k] * width + cols[k];
    return gatherRows(tf.reshape(mat, [-1]), flat) as tf.Tensor1D;
  });
}
