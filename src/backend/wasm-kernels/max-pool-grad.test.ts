import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

type PoolCase = { x: [number, number, number, number]; size: number | [number, number]; stride: number | [number, number]; pad: 'same' | 'valid' };

const cases: PoolCase[] = [
  { x: [2, 8, 8, 3], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], size: 2, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 3], size: 2, stride: 2, pad: 'same' },
  { x: [3, 9, 8, 2], size: 3, stride: 2, pad: 'same' },
  { x: [2, 6, 6, 4], size: 3, stride: 1, pad: 'valid' },
  { x: [1, 10, 9, 2], size: [3, 2], stride: [2, 1], pad: 'same' },
];

/** Gradient of a position-weighted sum of maxPool(x): each window gets its own upstream value. */
function poolGradient({ x, size, stride, pad }: PoolCase, values: Float32Array): tf.Tensor {
  return tf.grad((v: tf.Tensor) => {
    const y = tf.maxPool(v as tf.Tensor4D, size, stride, pad);
    return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
  })(tf.tensor4d(values, x));
}

describe('MaxPoolGrad on wasm (one pass per window)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each(cases)('matches cpu for x=$x size=$size stride=$stride pad=$pad', async (c) => {
    const values = randomValues(c.x.reduce((a, b) => a * b, 1), 11);
    const results = await onBackends(['cpu', 'wasm'], () => poolGradient(c, values));
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-6);
  });

  it('sends a tied window\'s gradient to the same element as cpu (ReLU outputs tie at zero)', async () => {
    const c: PoolCase = { x: [2, 8, 8, 2], size: 2, stride: 2, pad: 'valid' };
    const values = randomValues(2 * 8 * 8 * 2, 12).map((v) => Math.max(0, Math.round(v * 4)));
    const results = await onBackends(['cpu', 'wasm'], () => poolGradient(c, values));
    // Same receiving elements; the values differ only by each backend's own sin().
    expect(Array.from(results.wasm, (v) => v !== 0)).toEqual(Array.from(results.cpu, (v) => v !== 0));
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-6);
    expect(results.wasm.some((v) => v !== 0)).toBe(true);
  });
});
