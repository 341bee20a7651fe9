import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, Encoder } from '../encoder/encoder';
import { evaluateEmbeddings } from '../eval';
import { trainSoftmaxBaseline } from './train-softmax-baseline';
import { subspaceClasses } from './testing/subspace-classes';

async function mapAtR(encoder: Encoder, data: { inputs: Float32Array; labels: Int32Array }): Promise<number> {
  const e = tf.tidy(() => encoder.embed(tf.tensor2d(data.inputs, [data.labels.length, 32])));
  const values = e.dataSync() as Float32Array;
  e.dispose();
  return (await evaluateEmbeddings(values, encoder.dim, data.labels)).mapAtR;
}

describe('trainSoftmaxBaseline', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const known = subspaceClasses({ seed: 2, classes: [10, 20, 30, 40, 50, 60], perClass: 60, dim: 32, signal: 4 });
  const unseen = subspaceClasses({ seed: 2, classes: [1, 2, 3, 4, 5, 6], perClass: 60, dim: 32, signal: 4 });

  it('starts near ln(classes), lowers the cross-entropy and improves unseen-class MAP@R', async () => {
    const encoder = createEncoder({ kind: 'mlp', input: { features: 32 }, hidden: [32], dim: 16 });
    const variablesBefore = tf.memory().numTensors;
    const before = await mapAtR(encoder, unseen);
    const { summary } = await trainSoftmaxBaseline({ encoder, data: known, itemsPerClass: 10, steps: 80, learningRate: 1e-2, seed: 1, progressIntervalMs: 60_000 });
    const after = await mapAtR(encoder, unseen);
    expect(summary.initialLoss).toBeGreaterThan(Math.log(6) * 0.5);
    expect(summary.initialLoss).toBeLessThan(Math.log(6) * 2);
    expect(summary.recentLoss).toBeLessThan(summary.initialLoss * 0.5);
    expect(summary.samples).toBe(80 * 60);
    expect(after).toBeGreaterThan(before + 0.1);
    // Classifier and optimizer state are released; only the encoder's weights remain.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(variablesBefore + 1);
    encoder.dispose();
  });

  it('rejects an encoder whose head does not end in L2Normalize', async () => {
    const base = createEncoder({ kind: 'mlp', input: { features: 32 }, hidden: [], dim: 4 });
    const head = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [32] })] });
    const encoder = new Encoder(base.config, base.featureExtractor, head);
    await expect(trainSoftmaxBaseline({ encoder, data: known, itemsPerClass: 4, steps: 1 })).rejects.toThrow(/L2Normalize/);
    await expect(trainSoftmaxBaseline({ encoder: base, data: known, itemsPerClass: 0, steps: 1 })).rejects.toThrow(/itemsPerClass/);
  });
});
