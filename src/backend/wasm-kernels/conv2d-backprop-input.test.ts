import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

type Case = { x: [number, number, number, number]; filter: [number, number, number, number]; stride: number | [number, number]; pad: 'same' | 'valid' };

const cases: Case[] = [
  { x: [2, 5, 5, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'same' },
  { x: [2, 5, 5, 3], filter: [3, 3, 3, 4], stride: 1, pad: 'valid' },
  { x: [3, 8, 7, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'same' },
  { x: [3, 9, 8, 2], filter: [3, 3, 2, 5], stride: 2, pad: 'valid' },
  { x: [3, 10, 10, 2], filter: [4, 4, 2, 3], stride: 2, pad: 'same' },
  { x: [2, 6, 6, 1], filter: [5, 5, 1, 3], stride: 1, pad: 'valid' },
  { x: [2, 7, 7, 3], filter: [1, 1, 3, 2], stride: 2, pad: 'same' },
  { x: [2, 11, 9, 2], filter: [3, 2, 2, 3], stride: [2, 1], pad: 'same' },
  { x: [8, 14, 14, 16], filter: [3, 3, 16, 32], stride: 1, pad: 'same' },
];

describe('Conv2DBackpropInput on wasm (XNNPACK-based replacement)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each(cases)('matches cpu for x=$x filter=$filter stride=$stride pad=$pad', async ({ x, filter, stride, pad }) => {
    const xValues = randomValues(x.reduce((a, b) => a * b), 3);
    const filterValues = randomValues(filter.reduce((a, b) => a * b), 4);
    const results = await onBackends(['cpu', 'wasm'], () => {
      const f = tf.tensor4d(filterValues, filter);
      const loss = (xt: tf.Tensor) => {
        const y = tf.conv2d(xt as tf.Tensor4D, f, stride, pad);
        return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
      };
      return tf.grad(loss)(tf.tensor4d(xValues, x));
    });
    expect(results.wasm.length).toBe(x.reduce((a, b) => a * b));
    const scale = Math.max(1, ...Array.from(results.cpu, Math.abs));
    expect(maxAbsDiff(results.cpu, results.wasm) / scale).toBeLessThan(1e-5);
  });

  it('falls back to the stock kernel for explicit padding wider than the filter', async () => {
    const results = await onBackends(['cpu', 'wasm'], () =>
      tf.grad((xt: tf.Tensor) => tf.sum(tf.conv2d(xt as tf.Tensor4D, tf.tensor4d(randomValues(2 * 2 * 1 * 2, 5), [2, 2, 1, 2]), 1, [[0, 0], [3, 3], [3, 3], [0, 0]])))(
        tf.tensor4d(randomValues(16, 6), [1, 4, 4, 1]),
      ),
    );
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-5);
  });
});
