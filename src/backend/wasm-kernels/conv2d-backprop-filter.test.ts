import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all on import.
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
    const results = await onBackends(['cpu', 'wasm'], () => {
      const xt = tf.tensor4d(xValues, x);
      const loss = (f: tf.Tensor) => {
        const y = tf.conv2d(xt, f as tf.Tensor4D, stride, pad);
        // A non-uniform upstream gradient exercises every output position differently.
        return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
      };
      return tf.grad(loss)(tf.tensor4d(filterValues, filter));
    });
    expect(results.wasm.length).toBe(filter.reduce((a, b) => a * b));
    const scale = Math.max(1, ...Array.from(results.cpu, Math.abs));
    expect(maxAbsDiff(results.cpu, results.wasm) / scale).toBeLessThan(1e-5);
  });

  it('does not leak backend memory', async () => {
    const before = tf.memory().numTensors;
    const dataIds = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const g = tf.tidy(() => tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(tf.ones([2, 6, 6, 2]) as tf.Tensor4D, f as tf.Tensor4D, 2, 'same')))(tf.ones([3, 3, 2, 4])));
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).toBe(dataIds);
  });
});
