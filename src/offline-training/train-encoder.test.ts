import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { MultiSimilarityLoss } from '../dml/losses/multi-similarity-loss';
import { ProxyNCALoss } from '../dml/losses/proxy-nca-loss';
import type { MetricLoss } from '../dml/losses/metric-loss';
import { CosineSimilarity } from '../dml/distances/cosine-similarity';
import { MultiSimilarityMiner } from '../dml/miners/multi-similarity-miner';
import { createEncoder, type Encoder } from '../encoder/encoder';
import { evaluateEmbeddings } from '../eval';
import { trainEncoder } from './train-encoder';
import { loadDataset } from '../data';
import { subspaceClasses } from './testing/subspace-classes';

const mlpConfig = { kind: 'mlp' as const, input: { features: 784 }, hidden: [64], dim: 32, normalization: { mean: [72.94], std: [90.02] } };

async function heldOutMapAtR(encoder: Encoder, data: { inputs: Float32Array; labels: Int32Array }): Promise<number> {
  const embeddings = tf.tidy(() => encoder.embed(tf.tensor(data.inputs, [data.labels.length, ...encoder.inputShape])));
  const values = embeddings.dataSync() as Float32Array;
  embeddings.dispose();
  return (await evaluateEmbeddings(values, encoder.dim, data.labels)).mapAtR;
}

function copyWeights(from: Encoder, to: Encoder): void {
  to.featureExtractor.setWeights(from.featureExtractor.getWeights());
  to.head.setWeights(from.head.getWeights());
}

describe('trainEncoder', () => {
  const silent = { progressIntervalMs: 60_000 };
  let train: { inputs: Uint8Array; labels: Int32Array };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const subset = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: [0, 1, 2, 3, 4], perClassLimit: 120 });
    train = { inputs: subset.images, labels: subset.labels };
  });

  it('lowers the loss and improves MAP@R on classes it never saw', async () => {
    const known = subspaceClasses({ seed: 5, classes: [0, 1, 2, 3, 4, 5], perClass: 60, dim: 32, signal: 4 });
    const unseen = subspaceClasses({ seed: 5, classes: [6, 7, 8, 9, 10, 11], perClass: 60, dim: 32, signal: 4 });
    const encoder = createEncoder({ kind: 'mlp', input: { features: 32 }, hidden: [32], dim: 16 });
    const before = await heldOutMapAtR(encoder, unseen);
    const { summary } = await trainEncoder({
      encoder, data: known, loss: new MultiSimilarityLoss(), miner: new MultiSimilarityMiner(),
      classesPerBatch: 6, itemsPerClass: 10, steps: 80, learningRate: 1e-2, seed: 3, ...silent,
    });
    const after = await heldOutMapAtR(encoder, unseen);
    expect(summary.steps).toBe(80);
    expect(summary.skippedSteps).toBe(0);
    expect(summary.samples).toBe(80 * 60);
    expect(summary.epochs).toBeCloseTo((80 * 60) / 360, 9);
    expect(summary.backend).toBe('cpu');
    expect(summary.stoppedBy).toBe('steps');
    expect(summary.recentLoss).toBeLessThan(summary.initialLoss * 0.8);
    expect(after).toBeGreaterThan(before + 0.1);
    encoder.dispose();
  });

  it('replays exactly with the same seed and initial weights', async () => {
    const a = createEncoder(mlpConfig);
    const b = createEncoder(mlpConfig);
    copyWeights(a, b);
    const run = (encoder: Encoder, seed: number) =>
      trainEncoder({ encoder, data: train, loss: new MultiSimilarityLoss(), classesPerBatch: 3, itemsPerClass: 4, steps: 6, seed, augmentation: undefined, ...silent });
    const first = await run(a, 11);
    const second = await run(b, 11);
    expect(second.summary.lossHistory).toEqual(first.summary.lossHistory);
    const c = createEncoder(mlpConfig);
    copyWeights(a, c);
    const other = await run(c, 12);
    expect(other.summary.lossHistory).not.toEqual(first.summary.lossHistory);
    [a, b, c].forEach((e) => e.dispose());
  });

  it('skips steps whose loss is not finite, leaving the weights untouched', async () => {
    const encoder = createEncoder(mlpConfig);
    const inner = new MultiSimilarityLoss();
    let calls = 0;
    let weightsBeforeBadStep: Float32Array | undefined;
    const flaky: MetricLoss = {
      name: 'flaky',
      compute(embeddings, labels) {
        calls++;
        if (calls === 3) {
          weightsBeforeBadStep = encoder.trainableVariables()[0].dataSync().slice() as Float32Array;
          return tf.mul(inner.compute(embeddings, labels), NaN) as tf.Scalar;
        }
        return inner.compute(embeddings, labels);
      },
      trainableVariables: () => [],
    };
    let weightsAfterBadStep: Float32Array | undefined;
    const { summary } = await trainEncoder({
      encoder, data: train, loss: flaky, classesPerBatch: 5, itemsPerClass: 4, steps: 5, ...silent,
      onStep: (r) => {
        if (r.step === 2) weightsAfterBadStep = encoder.trainableVariables()[0].dataSync().slice() as Float32Array;
      },
    });
    expect(summary.skippedSteps).toBe(1);
    expect(summary.steps).toBe(4);
    expect(Number.isNaN(summary.lossHistory[2])).toBe(true);
    expect(summary.lossHistory.filter(Number.isFinite)).toHaveLength(4);
    expect(Array.from(weightsAfterBadStep!)).toEqual(Array.from(weightsBeforeBadStep!));
    encoder.dispose();
  });

  it('stops at maxSeconds, converts epochs to steps and honours an abort signal', async () => {
    const encoder = createEncoder(mlpConfig);
    const base = { encoder, data: train, loss: new MultiSimilarityLoss(), classesPerBatch: 5, itemsPerClass: 8, ...silent };
    const timed = await trainEncoder({ ...base, maxSeconds: 0.5 });
    expect(timed.summary.stoppedBy).toBe('time');
    expect(timed.summary.seconds).toBeGreaterThanOrEqual(0.5);
    expect(timed.summary.seconds).toBeLessThan(5);
    const byEpochs = await trainEncoder({ ...base, epochs: 0.5 });
    expect(byEpochs.summary.steps).toBe(Math.ceil((0.5 * 600) / 40));
    const controller = new AbortController();
    const aborted = await trainEncoder({ ...base, steps: 1000, signal: controller.signal, onStep: (r) => r.step === 2 && controller.abort() });
    expect(aborted.summary.stoppedBy).toBe('aborted');
    expect(aborted.summary.steps).toBe(3);
    encoder.dispose();
  });

  it('trains class proxies with their own learning rate', async () => {
    const encoder = createEncoder(mlpConfig);
    const loss = new ProxyNCALoss({ softmaxScale: 16, distance: new CosineSimilarity() });
    const { summary } = await trainEncoder({ encoder, data: train, loss, classesPerBatch: 5, itemsPerClass: 8, steps: 30, lossLearningRate: 1e-2, ...silent });
    expect(loss.numClasses).toBe(5);
    expect(summary.recentLoss).toBeLessThan(summary.initialLoss);
    encoder.dispose();
    loss.dispose();
  });

  it('adds a second augmented view per item for instance discrimination', async () => {
    const encoder = createEncoder({ kind: 'cnn', input: { height: 28, width: 28, channels: 1 }, normalization: { mean: [72.94], std: [90.02] }, blocks: [{ filters: 4, kernelSize: 3, pool: 'max' }], head: { dim: 8 } });
    const { summary } = await trainEncoder({
      encoder, data: train, loss: new MultiSimilarityLoss(), classesPerBatch: 2, itemsPerClass: 4, steps: 3,
      augmentation: { maxShift: 2, flipProbability: 0.5 }, instanceDiscrimination: { weight: 0.5, temperature: 0.2 }, ...silent,
    });
    expect(summary.samples).toBe(3 * 2 * 8);
    expect(summary.skippedSteps).toBe(0);
    encoder.dispose();
  });

  it('updates BatchNorm moving statistics while training', async () => {
    const encoder = createEncoder({ kind: 'cnn', input: { height: 28, width: 28, channels: 1 }, normalization: { mean: [72.94], std: [90.02] }, blocks: [{ filters: 4, kernelSize: 3, pool: 'max' }], batchNorm: true, head: { dim: 8 } });
    const movingMean = () => encoder.featureExtractor.weights.find((w) => /moving_mean/.test(w.name))!.read().dataSync().slice();
    const initial = Array.from(movingMean());
    await trainEncoder({ encoder, data: train, loss: new MultiSimilarityLoss(), classesPerBatch: 2, itemsPerClass: 4, steps: 2, ...silent });
    expect(Array.from(movingMean())).not.toEqual(initial);
    encoder.dispose();
  });

  it('rejects bad options naming the field', async () => {
    const encoder = createEncoder(mlpConfig);
    const base = { encoder, data: train, loss: new MultiSimilarityLoss(), classesPerBatch: 5, itemsPerClass: 8, steps: 1, ...silent };
    await expect(trainEncoder({ ...base, steps: undefined })).rejects.toThrow(/steps, epochs or maxSeconds/);
    await expect(trainEncoder({ ...base, itemsPerClass: 0 })).rejects.toThrow(/itemsPerClass/);
    await expect(trainEncoder({ ...base, maxSeconds: -1 })).rejects.toThrow(/maxSeconds/);
    await expect(trainEncoder({ ...base, learningRate: 0 })).rejects.toThrow(/learningRate/);
    await expect(trainEncoder({ ...base, data: { inputs: new Float32Array(10), labels: train.labels } })).rejects.toThrow(/data\.inputs/);
    encoder.dispose();
  });
});
