import * as tf from '@tensorflow/tfjs-core';
import type { Distance } from './distance';

/**
 * Raw dot product, without normalisation; higher is closer. The N-pair loss (Sohn 2016) uses
 * it, relying on the embedding norm as a free inverse temperature.
 *
 * @example
 * const logits = new DotProductSimilarity().matrix(anchors, positives);
 */
export class DotProductSimilarity implements Distance {
  readonly name = 'dot-product';
  readonly isSimilarity = true;
  readonly normalizeEmbeddings = false;

  matrix(query: tf.Tensor2D, ref: tf.Tensor2D): tf.Tensor2D {
    return tf.matMul(query, ref, false, true);
  }
}
