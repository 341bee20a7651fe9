import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { createEncoder } from '../encoder/encoder';
import { BestWeights } from './best-weights';
import { tinyCnnConfig } from '../../test/support/trainer/fashion-events';

describe('BestWeights', () => {
  beforeAll(async () => {
    await selectBackend('wasm');
  });

  it('puts back the weights it kept, BatchNorm statistics included, after training moved them', () => {
    const encoder = createEncoder(tinyCnnConfig());
    const x = tf.randomUniform([6, 28, 28, 1], 0, 255, 'float32', 3);
    const embed = () => Array.from(tf.tidy(() => encoder.embed(x)).dataSync());
    const best = new BestWeights();
    expect(best.restore(encoder)).toBeUndefined();
    const before = embed();
    best.keep(encoder, 42);
    const optimizer = tf.train.adam(0.05);
    for (let i = 0; i < 3; i++) optimizer.minimize(() => tf.sum(tf.square(tf.sub(encoder.embedForTraining(x), 0.3))) as tf.Scalar, false, encoder.trainableVariables());
    const moved = embed();
    expect(moved.some((v, i) => Math.abs(v - before[i]) > 1e-3)).toBe(true);
    const tensorsBefore = tf.memory().numTensors;
    expect(best.restore(encoder)).toBe(42);
    embed().forEach((v, i) => expect(v).toBeCloseTo(before[i], 5));
    // Restoring again after further steps works too: the kept copy is not the live variables.
    optimizer.minimize(() => tf.sum(encoder.embedForTraining(x)) as tf.Scalar, false, encoder.trainableVariables());
    best.restore(encoder);
    embed().forEach((v, i) => expect(v).toBeCloseTo(before[i], 5));
    best.forget();
    expect(best.step).toBeUndefined();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
    tf.dispose(x);
  });
});
