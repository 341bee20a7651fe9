import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize, type Distance } from './distance';

/**
 * Cosine similarity: the dot product of unit-length rows, in [-1, 1]; higher is closer.
 *
 * @example
 * const sim = new CosineSimilarity().matrix(a, b); // [a.rows, b.rows]
 */
export class CosineSimilarity implements Distance {
  readonly name = 'cosine';
  readonly isSimilarity = true;
  readonly normalizeEmbeddings = true;

  matrix(query: tf.Tensor2D, ref: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const q = l2Normalize(query);
      const r = ref === query ? q : l2Normalize(ref);
      return tf.matMul(q, r, false, true);
    });
  }
}
