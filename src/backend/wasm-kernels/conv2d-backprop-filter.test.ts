import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all on import.
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { CONV_CASES, convGradient, maxAbsDiff, onBackends, randomValues, type ConvCase } from './kernel-check';

const cases: ConvCase[] = [
  ...CONV_CASES,
  { x: [1, 13, 13, 4], filter: [7, 7, 4, 2], stride: 2, pad: 'same' },
  { x: [16, 28, 28, 1], filter: [3, 3, 1, 16], stride: 1, pad: 'same' },
];

describe('Conv2DBackpropFilter on wasm', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each(cases)('matches cpu for x=$x filter=$filter stride=$stride pad=$pad', async ({ x, filter, stride, pad }) => {
    const xValues = randomValues(x.reduce((a, b) => a * b), 1);
    const filterValues = randomValues(filter.reduce((a, b) => a * b), 2);
    const results = await onBackends(['cpu', 'wasm'], () => convGradient({ x, filter, stride, pad }, xValues, filterValues, 'filter'));
    expect(results.wasm.length).toBe(filter.reduce((a, b) => a * b));
    const scale = Math.max(1, ...Array.from(results.cpu, Math.abs));
    expect(maxAbsDiff(results.cpu, results.wasm) / scale).toBeLessThan(1e-5);
  });

  it.each([1, 2])('does not leak backend memory (%i input channels)', async (channels) => {
    const before = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const g = tf.tidy(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([2, 6, 6, channels]) as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(tf.ones([3, 3, channels, 4])));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
  });
});
