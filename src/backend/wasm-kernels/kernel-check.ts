import * as tf from '@tensorflow/tfjs-core';
import { createRandom } from '../../dml/random';

/** Deterministic pseudo-random values in [-0.5, 0.5), so failures reproduce. */
export function randomValues(size: number, seed: number): Float32Array {
  const random = createRandom(seed);
  return Float32Array.from({ length: size }, () => random.next() - 0.5);
}

export type ConvCase = { x: [number, number, number, number]; filter: [number, number, number, number]; stride: number | [number, number]; pad: 'same' | 'valid' };

/** Convolutions both backprop kernels are checked on: unit and larger strides, both paddings, odd and rectangular sizes. */
export const CONV_CASES: readonly ConvCase[] = [
  { x: [2, 5, 5, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 5, 5, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [3, 8, 7, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { x: [3, 9, 8, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'valid' },
  { x: [3, 10, 10, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'same' },
  { x: [2, 6, 6, 1], filter: [5, 5, 1, 3], stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [1, 1, 3, 2], stride: 2, pad: 'same' },
  { x: [2, 11, 9, 2], filter: [3, 2, 2, 3], stride: [2, 1], pad: 'same' },
];

/**
 * Gradient, with respect to `wrt`, of a position-weighted sum of `conv2d(x, filter)`: the
 * non-uniform upstream gradient exercises every output position differently.
 */
export function convGradient({ x, filter, stride, pad }: ConvCase, xValues: Float32Array, filterValues: Float32Array, wrt: 'x' | 'filter'): tf.Tensor {
  const weightedSum = (xt: tf.Tensor4D, f: tf.Tensor4D) => {
    const y = tf.conv2d(xt, f, stride, pad);
    return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
  };
  const xt = tf.tensor4d(xValues, x);
  const f = tf.tensor4d(filterValues, filter);
  return wrt === 'x' ? tf.grad((v: tf.Tensor) => weightedSum(v as tf.Tensor4D, f))(xt) : tf.grad((v: tf.Tensor) => weightedSum(xt, v as tf.Tensor4D))(f);
}

/** Runs `compute` on each backend and returns the flattened outputs, keyed by backend name. */
export async function onBackends(
  backends: string[],
  compute: () => tf.Tensor,
): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  const previous = tf.getBackend();
  for (const name of backends) {
    await tf.setBackend(name);
    const t = tf.tidy(compute);
    out[name] = Float32Array.from(await t.data());
    t.dispose();
  }
  if (previous) await tf.setBackend(previous);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
