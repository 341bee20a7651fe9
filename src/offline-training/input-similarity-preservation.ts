import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean squared difference between the cosine-similarity matrix of the embeddings and that of
 * the inputs themselves (images average-pooled by `pool`×`pool` first, which removes pixel
 * jitter). A class-supervised loss alone reshapes the whole space around the training classes
 * and collapses images of unseen classes together; anchoring the embedding to the inputs'
 * own geometry keeps the distinctions that unseen classes need. Raw, non-negative inputs make
 * the best anchor: their cosine similarity measures overlap of shapes.
 *
 * @example
 * const term = inputSimilarityPreservation(embeddings, rawPixels, 4); // rawPixels: [n, 28, 28, 1]
 */
export function inputSimilarityPreservation(embeddings: tf.Tensor2D, inputs: tf.Tensor, pool = 1): tf.Scalar {
  const n = embeddings.shape[0];
  if (inputs.shape[0] !== n) throw new Error(`inputs has ${inputs.shape[0]} rows but embeddings has ${n}`);
  if (!(Number.isInteger(pool) && pool >= 1)) throw new Error(`pool must be a positive integer, got ${pool}`);
  return tf.tidy(() => {
    const pooled = pool > 1 && inputs.rank === 4 ? tf.avgPool(inputs as tf.Tensor4D, pool, pool, 'valid') : inputs;
    const flat = tf.reshape(pooled, [n, -1]) as tf.Tensor2D;
    const target = cosineMatrix(flat);
    return tf.mean(tf.square(tf.sub(cosineMatrix(embeddings), target))) as tf.Scalar;
  });
}

function cosineMatrix(x: tf.Tensor2D): tf.Tensor2D {
  const unit = tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
  return tf.matMul(unit, unit, false, true);
}
