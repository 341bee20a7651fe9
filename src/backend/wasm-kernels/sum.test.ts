import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

const cases: { shape: number[]; axis: number | number[]; keepDims?: boolean }[] = [
  { shape: [6, 5, 5, 4], axis: [0, 1, 2] },
  { shape: [6, 5, 5, 4], axis: [2, 0, 1], keepDims: true },
  { shape: [7, 3], axis: 0 },
  { shape: [7, 3], axis: -2, keepDims: true },
  { shape: [2, 3, 4], axis: [0, 1] },
  { shape: [0, 3], axis: 0 },
  // More rows than one block holds, widths with and without a remainder of four columns.
  { shape: [40, 30, 16], axis: [0, 1] },
  { shape: [700, 7], axis: 0 },
  { shape: [3, 5000], axis: 0 },
  // Not leading: the stock kernel's path.
  { shape: [7, 3], axis: 1 },
  { shape: [2, 3, 4], axis: [0, 2] },
  { shape: [2, 3, 4], axis: [0, 1, 2] },
];

describe('Sum on wasm (leading axes in one pass)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it('is installed in place of the stock kernel', () => {
    expect(tf.getKernel(tf.Sum, 'wasm')?.kernelFunc.name).toBe('sum');
  });

  it.each(cases)('matches cpu for shape=$shape axis=$axis keepDims=$keepDims', async ({ shape, axis, keepDims }) => {
    const values = randomValues(shape.reduce((a, b) => a * b, 1), 9);
    const shapes: Record<string, number[]> = {};
    const results = await onBackends(['cpu', 'wasm'], () => {
      const y = tf.sum(tf.tensor(values, shape), axis, keepDims);
      shapes[tf.getBackend()] = y.shape;
      return y;
    });
    expect(shapes.wasm).toEqual(shapes.cpu);
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-5);
  });

  it('sums int32 tensors through the stock kernel', async () => {
    const results = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0), 'float32'));
    expect(Array.from(results.wasm)).toEqual([9, 12]);
    expect(Array.from(results.cpu)).toEqual([9, 12]);
  });

  it('gives a conv layer the same bias gradient as cpu', async () => {
    const [x, filter] = [[4, 6, 6, 3], [3, 3, 3, 5]];
    const xValues = randomValues(4 * 6 * 6 * 3, 1);
    const fValues = randomValues(3 * 3 * 3 * 5, 2);
    const results = await onBackends(['cpu', 'wasm'], () =>
      tf.grad((b: tf.Tensor) => {
        const y = tf.fused.conv2d({ x: tf.tensor4d(xValues, x as [number, number, number, number]), filter: tf.tensor4d(fValues, filter as [number, number, number, number]), strides: 1, pad: 'same', bias: b });
        return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
      })(tf.zeros([5])),
    );
    expect(results.cpu.some((v) => v !== 0)).toBe(true);
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-4);
  });
});
