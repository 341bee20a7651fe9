import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { useWasmBackend } from '../wasm-backend';
import { onBackends, randomValues } from './kernel-check';

const cases: { shape: number[]; reps: number[] }[] = [
  { shape: [5], reps: [3] },
  { shape: [1, 1, 1, 16], reps: [8, 28, 28, 1] },
  { shape: [2, 3], reps: [2, 2] },
  { shape: [3, 1, 4], reps: [1, 5, 2] },
  { shape: [2, 3, 4], reps: [3, 1, 1] },
  { shape: [2, 2, 2, 3, 2], reps: [1, 2, 1, 2, 3] },
  { shape: [4, 3], reps: [1, 1] },
  { shape: [0, 3], reps: [2, 2] },
];

describe('Tile on wasm (block-copy replacement)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it.each(cases)('matches cpu for shape=$shape reps=$reps', async ({ shape, reps }) => {
    const values = randomValues(shape.reduce((a, b) => a * b, 1), 7);
    const results = await onBackends(['cpu', 'wasm'], () => tf.tile(tf.tensor(values, shape), reps));
    expect(Array.from(results.wasm)).toEqual(Array.from(results.cpu));
  });

  it('tiles int32 and bool tensors exactly', async () => {
    const ints = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.tile(tf.tensor2d([1, -2, 3, 4, 5, 6], [2, 3], 'int32'), [2, 3]), 'float32'));
    expect(Array.from(ints.wasm)).toEqual(Array.from(ints.cpu));
    const bools = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.tile(tf.tensor1d([true, false, true], 'bool'), [4]), 'float32'));
    expect(Array.from(bools.wasm)).toEqual(Array.from(bools.cpu));
  });
});
