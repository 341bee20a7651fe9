import * as tf from '@tensorflow/tfjs-core';

/** Stands in for -∞: exp() of it underflows to 0 while keeping gradients finite. */
const EXCLUDED = -1e30;

/**
 * Row-wise `log Σ_j exp(x[i, j])` over the entries where `mask` is 1, optionally with an
 * extra `exp(0) = 1` term inside the sum (`log(1 + Σ …)`). Rows whose mask is empty give 0.
 * Masked entries are replaced (not multiplied), so an overflowing excluded value can neither
 * leak into the result nor produce NaN gradients.
 *
 * @example
 * const neg = maskedLogSumExp(tf.mul(beta, tf.sub(sim, base)), negMask, true); // [n]
 */
export function maskedLogSumExp(x: tf.Tensor2D, mask: tf.Tensor2D, addOne: boolean): tf.Tensor1D {
  return tf.tidy(() => {
    const keep = tf.cast(mask, 'bool');
    const kept = tf.where(keep, x, tf.fill(x.shape, EXCLUDED));
    if (!addOne) {
      const m = rowMaxShift(kept, false);
      const lse = tf.reshape(tf.add(m, tf.log(tf.sum(tf.exp(tf.sub(kept, m)), 1, true))), [-1]) as tf.Tensor1D;
      return tf.where(tf.greater(tf.sum(mask, 1), 0), lse, tf.zerosLike(lse));
    }
    // log(e^0 + Σ e^x) with the shift m = max(0, max x); written out instead of appending a zero
    // column, which costs a full copy of the matrix forward and backward.
    const m = rowMaxShift(kept, true);
    const total = tf.add(tf.exp(tf.neg(m)), tf.sum(tf.exp(tf.sub(kept, m)), 1, true));
    return tf.reshape(tf.add(m, tf.log(total)), [-1]) as tf.Tensor1D;
  });
}

/**
 * Each row's maximum (at least 0 with `atLeastZero`), `[n, 1]`, as a constant for the
 * gradient. A log-sum-exp does not depend on its shift (the shift's own gradient is exactly
 * 0), so none is taken through it: back-propagating a row maximum costs a broadcast comparison
 * of the whole matrix against it and a mask, for a zero.
 */
function rowMaxShift(x: tf.Tensor2D, atLeastZero: boolean): tf.Tensor2D {
  const shift = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const input = args[0] as tf.Tensor;
    const rowMax = tf.max(input, 1, true);
    return { value: atLeastZero ? tf.maximum(rowMax, 0) : rowMax, gradFunc: () => tf.zerosLike(input) };
  });
  return shift(x) as tf.Tensor2D;
}
