import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { pino } from 'pino';
import { selectBackend } from '../backend/select-backend';
import { createEncoder } from './encoder';
import { thumbnailCnnConfig } from './default-configs';

const silent = pino({ level: 'silent' });

/** Pulls same-label embeddings together and pushes others below 0 cosine similarity. */
function contrastiveLoss(embeddings: tf.Tensor2D, sameLabel: tf.Tensor2D): tf.Scalar {
  const similarity = tf.matMul(embeddings, embeddings, false, true);
  const positive = tf.mul(sameLabel, tf.sub(1, similarity));
  const negative = tf.mul(tf.sub(1, sameLabel), tf.relu(similarity));
  return tf.mean(tf.add(positive, negative));
}

describe('default CNN trains on wasm and cpu', () => {
  beforeAll(async () => {
    await selectBackend('wasm', { log: silent, env: {} });
  });

  it('gives the same loss and gradients on both backends, and Adam steps reduce the loss', async () => {
    const encoder = createEncoder(thumbnailCnnConfig());
    const x = tf.randomUniform([6, 28, 28, 1], 0, 255, 'float32', 11);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
    const sameLabel = tf.cast(tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0)), 'float32') as tf.Tensor2D;
    const loss = () => contrastiveLoss(encoder.embedForTraining(x), sameLabel);

    const results: Record<string, { loss: number; grads: Float32Array[] }> = {};
    for (const backend of ['cpu', 'wasm'] as const) {
      await selectBackend(backend, { log: silent, env: {} });
      const { value, grads } = tf.variableGrads(loss, encoder.trainableVariables());
      results[backend] = { loss: value.dataSync()[0], grads: encoder.trainableVariables().map((v) => grads[v.name].dataSync() as Float32Array) };
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(Number.isFinite(results.cpu.loss)).toBe(true);
    expect(Math.abs(results.cpu.loss - results.wasm.loss)).toBeLessThan(1e-4);
    results.cpu.grads.forEach((g, i) => {
      const w = results.wasm.grads[i];
      const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
      const diff = Math.max(...Array.from(g, (v, k) => Math.abs(v - w[k])));
      expect(diff / scale, `variable ${encoder.trainableVariables()[i].name}`).toBeLessThan(2e-3);
    });

    for (const backend of ['wasm', 'cpu'] as const) {
      await selectBackend(backend, { log: silent, env: {} });
      const optimizer = tf.train.adam(3e-3);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const l = optimizer.minimize(loss, true, encoder.trainableVariables())!;
        losses.push(l.dataSync()[0]);
        l.dispose();
      }
      expect(losses.every(Number.isFinite), `${backend} losses ${losses}`).toBe(true);
      expect(losses[losses.length - 1], `${backend} losses ${losses}`).toBeLessThan(losses[0]);
      optimizer.dispose();
    }
    encoder.dispose();
  });
});
