import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { finiteGradientStep, setLearningRate } from './gradient-step';

describe('finiteGradientStep', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('applies the gradient, reporting loss and global gradient norm', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const w = tf.variable(tf.tensor1d([3]));
    const sgd = tf.train.sgd(0.1);
    // loss = 3·v0 + 4·v1 + 12·w0 → gradients (3, 4) and (12), global norm 13.
    const r = finiteGradientStep(() => tf.sum(tf.add(tf.sum(tf.mul(v, tf.tensor1d([3, 4]))), tf.mul(w, 12))) as tf.Scalar, [[sgd, [v, w]]]);
    expect(r.skipped).toBe(false);
    expect(r.loss).toBeCloseTo(3 + 8 + 36, 5);
    expect(r.gradientNorm).toBeCloseTo(13, 5);
    expect(Array.from(v.dataSync())).toEqual([expect.closeTo(0.7, 6), expect.closeTo(1.6, 6)]);
    expect(w.dataSync()[0]).toBeCloseTo(3 - 1.2, 6);
  });

  it('rescales gradients to clipNorm and updates each group with its own optimizer', () => {
    const v = tf.variable(tf.tensor1d([0, 0]));
    const w = tf.variable(tf.tensor1d([0]));
    const slow = tf.train.sgd(1);
    const fast = tf.train.sgd(10);
    const r = finiteGradientStep(() => tf.add(tf.sum(tf.mul(v, tf.tensor1d([3, 4]))), tf.sum(tf.mul(w, 12))) as tf.Scalar, [[slow, [v]], [fast, [w]]], { clipNorm: 1.3 });
    expect(r.gradientNorm).toBeCloseTo(13, 5);
    // Scale 1.3 / 13 = 0.1 on every gradient.
    expect(Array.from(v.dataSync())).toEqual([expect.closeTo(-0.3, 6), expect.closeTo(-0.4, 6)]);
    expect(w.dataSync()[0]).toBeCloseTo(-12, 5);
  });

  it('leaves variables untouched when the loss is not finite', () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const r = finiteGradientStep(() => tf.sum(tf.log(tf.sub(v, 5))) as tf.Scalar, [[tf.train.adam(0.1), [v]]]);
    expect(r.skipped).toBe(true);
    expect(Number.isNaN(r.loss)).toBe(true);
    expect(Array.from(v.dataSync())).toEqual([1, 2]);
  });

  it('setLearningRate changes the step size of later updates, for SGD and Adam alike', () => {
    const v = tf.variable(tf.scalar(0));
    const sgd = tf.train.sgd(1);
    setLearningRate(sgd, 0.25);
    finiteGradientStep(() => tf.mul(v, 2) as tf.Scalar, [[sgd, [v]]]);
    expect(v.dataSync()[0]).toBeCloseTo(-0.5, 6);
    // Adam's first step moves each weight by about the learning rate, whatever the gradient.
    const a = tf.variable(tf.scalar(0));
    const adam = tf.train.adam(1);
    setLearningRate(adam, 0.01);
    finiteGradientStep(() => tf.mul(a, 7) as tf.Scalar, [[adam, [a]]]);
    expect(a.dataSync()[0]).toBeCloseTo(-0.01, 4);
  });
});
