import * as tf from '@tensorflow/tfjs-core';

/**
 * Step for the tensorflow backend (`x > 0 ? 1 : alpha`, NaN kept), the ReLU family's gradient
 * mask. tfjs-node's own builds two full-size constant tensors (`ones` and `fill`) on every call,
 * which made it a third of a conv-net training step; this one compares, casts and selects.
 *
 * @example
 * tf.registerKernel(stepConfig); // replaces tfjs-node's Step
 */
export const stepConfig: tf.KernelConfig = {
  kernelName: tf.Step,
  backendName: 'tensorflow',
  kernelFunc: ({ inputs, attrs }) => {
    const { x } = inputs as { x: tf.Tensor };
    const alpha = (attrs as { alpha?: number }).alpha ?? 0;
    return tf.tidy(() => {
      // Computed in float32 and cast back, so integer inputs truncate alpha as the cpu backend does.
      const positive = tf.cast(tf.greater(x, tf.scalar(0, x.dtype)), 'float32');
      const stepped = alpha === 0 ? positive : tf.add(tf.mul(positive, 1 - alpha), alpha);
      return x.dtype === 'float32' ? tf.where(tf.isNaN(x), x, stepped) : tf.cast(stepped, x.dtype);
    });
  },
};
