import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each([
    { shape: [6], ids: [0, 2, 2, 1, 0, 3], numSegments: 4 },
    { shape: [5, 3], ids: [4, 0, 4, 1, 1], numSegments: 6 },
    { shape: [4, 2, 3], ids: [1, 1, 1, 1], numSegments: 2 },
    { shape: [4, 2], ids: [0, -1, 7, 1], numSegments: 3 },
  ])('matches cpu for x=$shape ids=$ids', async ({ shape, ids, numSegments }) => {
    const values = randomValues(shape.reduce((a, b) => a * b, 1), 8);
    const results = await onBackends(['cpu', 'wasm'], () => tf.unsortedSegmentSum(tf.tensor(values, shape), tf.tensor1d(ids, 'int32'), numSegments));
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-6);
  });

  it('makes the gradient of tf.gather (repeated indices) match cpu', async () => {
    const table = randomValues(10 * 4, 9);
    const indices = [3, 1, 3, 3, 9, 0, 1];
    const results = await onBackends(['cpu', 'wasm'], () =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.square(tf.gather(t, tf.tensor1d(indices, 'int32')))))(tf.tensor2d(table, [10, 4])),
    );
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-5);
  });
});
