import * as tf from '@tensorflow/tfjs-core';

/**
 * `x[indices[k]]` along the first axis, with a backward pass that scatter-adds straight into
 * place. TF.js differentiates `tf.gather` through `unsortedSegmentSum`, which the CPU backend
 * runs as one masked reduction per output row: for a 256×256 pair matrix that is 65 536
 * passes over every gathered value. `scatterND` sums duplicate indices in a single pass.
 *
 * @example
 * const ap = gatherRows(tf.reshape(mat, [-1]), flatIndices); // differentiable pair lookup
 */
export function gatherRows<T extends tf.Tensor>(x: T, indices: Int32Array): T {
  const gather = tf.customGrad(((source: tf.Tensor) => {
    const idx = tf.tensor1d(indices, 'int32');
    const value = tf.gather(source, idx);
    idx.dispose();
    return {
      value,
      gradFunc: (dy: tf.Tensor) => tf.tidy(() => tf.scatterND(tf.tensor2d(indices, [indices.length, 1], 'int32'), dy, source.shape)),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return gather(x) as T;
}
