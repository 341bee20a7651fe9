import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { AvgNonZeroReducer } from './avg-non-zero-reducer';
import { MeanReducer } from './mean-reducer';
import { SumReducer } from './sum-reducer';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const reduce = (r: { reduce(x: tf.Tensor1D): tf.Scalar }, xs: number[]) => tf.tidy(() => r.reduce(tf.tensor1d(xs)).dataSync()[0]);

describe('reducers', () => {
  it('mean, average of non-zero, and sum', () => {
    const xs = [0, 0, 3, 1, 2];
    expect(reduce(new MeanReducer(), xs)).toBeCloseTo(6 / 5);
    expect(reduce(new AvgNonZeroReducer(), xs)).toBeCloseTo(6 / 3);
    expect(reduce(new SumReducer(), xs)).toBeCloseTo(6);
  });

  it('reduce empty or all-zero input to 0', () => {
    for (const r of [new MeanReducer(), new AvgNonZeroReducer(), new SumReducer()]) {
      expect(reduce(r, [])).toBe(0);
      expect(reduce(r, [0, 0])).toBe(0);
    }
  });

  it('AvgNonZeroReducer is differentiable: gradient 1/count on every element', () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => new AvgNonZeroReducer().reduce(tf.relu(x) as tf.Tensor1D))(tf.tensor1d([-1, 2, 4, 0.5])).arraySync());
    expect(g).toEqual([0, 1 / 3, 1 / 3, 1 / 3].map((v) => expect.closeTo(v, 6)));
  });
});
