import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

describe('Cast on wasm (no copy when the dtype does not change)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it('is installed in place of the stock kernel', () => {
    expect(tf.getKernel(tf.Cast, 'wasm')?.kernelFunc.name).toBe('cast');
  });

  const values = Array.from(randomValues(12, 6), (v) => v * 7);
  it.each([
    ['float32', 'float32'],
    ['float32', 'int32'],
    ['float32', 'bool'],
    ['int32', 'int32'],
    ['int32', 'float32'],
    ['bool', 'bool'],
    ['bool', 'float32'],
  ] as const)('casts %s to %s as cpu does', async (from, to) => {
    const results = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.cast(tf.cast(tf.tensor(values, [3, 4]), from), to), 'float32'));
    expect(Array.from(results.wasm)).toEqual(Array.from(results.cpu));
  });

  it('casts to bool as x !== 0, fractions and multiples of 256 included', async () => {
    const results = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.cast(tf.tensor1d([0, 0.5, -0.25, 256, -3, 1, NaN]), 'bool'), 'float32'));
    expect(Array.from(results.wasm)).toEqual([0, 1, 1, 1, 1, 1, 1]);
    expect(Array.from(results.wasm)).toEqual(Array.from(results.cpu));
  });

  it('shares the memory of a same-dtype cast until the last tensor using it is disposed', async () => {
    await tf.setBackend('wasm');
    const before = tf.backend().numDataIds();
    const x = tf.tensor1d([1.5, -2, 3]);
    const same = tf.cast(x, 'float32');
    expect(tf.backend().numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2, 3]);
    same.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
  });

  it('gives a ReLU the same gradient as cpu', async () => {
    const x = randomValues(40, 7);
    const results = await onBackends(['cpu', 'wasm'], () => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.sin(tf.range(0, 40)))))(tf.tensor1d(x)));
    expect(results.cpu.some((v) => v === 0) && results.cpu.some((v) => v !== 0)).toBe(true);
    expect(maxAbsDiff(results.cpu, results.wasm)).toBeLessThan(1e-6);
  });
});
