import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { CONV_CASES, convGradient, maxAbsDiff, onBackends, randomValues, type ConvCase } from './kernel-check';

const cases: ConvCase[] = [
  ...CONV_CASES,
  { x: [8, 14, 14, 16], filter: [3, 3, 16, 32], stride: 1, pad: 'same' },
];

describe('Conv2DBackpropInput on wasm (XNNPACK-based replacement)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each(cases)('matches cpu for x=$x filter=$filter stride=$stride pad=$pad', async ({ x, filter, stride, pad }) => {
    const xValues = randomValues(x.reduce((a, b) => a * b), 3);
    const filterValues = randomValues(filter.reduce((a, b) => a * b), 4);
    const results = await onBackends(['cpu', 'wasm'], () => convGradient({ x, filter, stride, pad }, xValues, filterValues, 'x'));
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
