import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../encoder/encoder';
import { finiteGradientStep } from '../offline-training/gradient-step';
import { tinyCnnConfig } from '../../test/support/trainer/fashion-events';
import { createFsCheckpointStore, fsCheckpointFolders } from '../store/checkpoint-fs';
import { createTrainerCheckpoints, loadCheckpointCopy } from './trainer-checkpoint';

describe('trainer checkpoints', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'discern-ckpt-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('restores weights (BN statistics included), optimizer state, offsets and counters', async () => {
    const checkpoints = createTrainerCheckpoints(createFsCheckpointStore(dir));
    expect(await checkpoints.loadLatest()).toBeUndefined();
    const encoder = createEncoder(tinyCnnConfig());
    const optimizer = tf.train.adam(1e-2);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 255);
    // A step moves the BN moving statistics and fills Adam's moments.
    finiteGradientStep(() => tf.sum(tf.slice(encoder.embedForTraining(x), [0, 0], [1, 1])) as tf.Scalar, [[optimizer, encoder.trainableVariables()]]);
    const offsets = [{ topic: 'items' as const, partition: 0, offset: '41' }, { topic: 'feedback' as const, partition: 1, offset: '7' }];
    let at = '';
    for (let step = 1; step <= 3; step++) at = await checkpoints.save(encoder, optimizer, { offsets, step, skippedSteps: 1, modelVersion: 'v000002', savedAt: new Date().toISOString() });
    const resumed = tf.train.adam(1e-2);
    const restored = (await checkpoints.loadLatest(resumed))!;
    expect(restored.dir).toBe(at);
    expect(restored.meta).toMatchObject({ offsets, step: 3, skippedSteps: 1, modelVersion: 'v000002' });
    const expected = encoder.embed(x).arraySync();
    restored.encoder.embed(x).arraySync().forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[i][k], 5)));
    // The same next step from the original and from the restored state lands on the same weights.
    finiteGradientStep(() => tf.sum(tf.slice(encoder.embedForTraining(x), [0, 0], [1, 1])) as tf.Scalar, [[optimizer, encoder.trainableVariables()]]);
    finiteGradientStep(() => tf.sum(tf.slice(restored.encoder.embedForTraining(x), [0, 0], [1, 1])) as tf.Scalar, [[resumed, restored.encoder.trainableVariables()]]);
    const a = encoder.allWeights().map((w) => Array.from(w.dataSync()));
    restored.encoder.allWeights().forEach((w, i) => Array.from(w.dataSync()).forEach((v, k) => expect(v).toBeCloseTo(a[i][k], 4)));
    // A copied version directory (as a model version stores it) loads on its own.
    const copy = await loadCheckpointCopy(fsCheckpointFolders, at);
    copy.embed(x).arraySync().forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(expected[i][k], 5)));
  });
});
