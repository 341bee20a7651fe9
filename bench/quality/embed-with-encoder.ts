import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../../src/encoder/encoder';

/**
 * Inference embeddings of `count` inputs stored back to back in `inputs`, in batches.
 *
 * @example
 * const embeddings = embedWithEncoder(encoder, test.images, test.labels.length); // count × encoder.dim
 */
export function embedWithEncoder(encoder: Encoder, inputs: Float32Array | Uint8Array, count: number, batchSize = 256): Float32Array {
  const shape = encoder.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count * encoder.dim);
  for (let start = 0; start < count; start += batchSize) {
    const rows = Math.min(batchSize, count - start);
    const embedded = tf.tidy(() => encoder.embed(tf.tensor(Float32Array.from(inputs.subarray(start * size, (start + rows) * size)), [rows, ...shape])));
    out.set(embedded.dataSync() as Float32Array, start * encoder.dim);
    embedded.dispose();
  }
  return out;
}
