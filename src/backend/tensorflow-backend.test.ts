import * as tf from '@tensorflow/tfjs-core';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { pino } from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededInit } from '../../test/support/seeded-init';
import { tfjsNodeAvailability } from '../../test/support/tfjs-node';
import { createEncoder } from '../encoder/encoder';
import { defaultRecipe } from '../recipes/default';
import { trainWithRecipe } from '../recipes/train-with-recipe';
import { selectBackend } from './select-backend';
import { useWasmBackend } from './wasm-backend';
import { quadrantImages } from '../../test/support/quadrant-images';

const tfjsNode = tfjsNodeAvailability();

// The default recipe's network, loss, miner, input-similarity term and optimizer on a small batch.
const recipe = { ...defaultRecipe, classesPerBatch: 4, itemsPerClass: 8 };
const data = quadrantImages(64, 11);
const probe = Float32Array.from(quadrantImages(16, 5).inputs);

/** Trains five steps from the given weights on the active backend: the losses and the probe's embeddings after. */
async function trainFrom(weights: { shape: number[]; values: Float32Array }[]) {
  const encoder = createEncoder(recipe.encoder);
  const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
  const trunk = encoder.featureExtractor.getWeights().length;
  encoder.featureExtractor.setWeights(tensors.slice(0, trunk));
  encoder.head.setWeights(tensors.slice(trunk));
  tf.dispose(tensors);
  const { summary } = await trainWithRecipe(recipe, data, { encoder, steps: 5, seed: 3 });
  const embeddings = encoder.embed(tf.tensor4d(probe, [16, 28, 28, 1])).dataSync() as Float32Array;
  encoder.dispose();
  return { losses: summary.lossHistory, embeddings };
}

describe.skipIf(!tfjsNode.available)(`tensorflow backend (@tensorflow/tfjs-node)${tfjsNode.available ? '' : ` (skipped: ${tfjsNode.reason})`}`, () => {
  let initial: { shape: number[]; values: Float32Array }[];
  let untrained: Float32Array;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const encoder = createEncoder(recipe.encoder);
    seededInit(encoder, 7);
    initial = encoder.allWeights().map((w) => ({ shape: w.shape, values: w.dataSync().slice() as Float32Array }));
    untrained = encoder.embed(tf.tensor4d(probe, [16, 28, 28, 1])).dataSync() as Float32Array;
    encoder.dispose();
  });

  it('is what auto selects, with one log line naming TensorFlow’s version', async () => {
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const selected = await selectBackend('auto', { log, env: {} });
    expect(selected).toMatchObject({ name: 'tensorflow', backend: 'tfjs-node' });
    expect(selected.tensorflow).toMatch(/^2\.\d+\.\d+/);
    expect(selected.skipped.map((s) => s.backend)).toEqual(['tfjs-node-gpu']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ backend: 'tensorflow', candidate: 'tfjs-node', tensorflow: selected.tensorflow });
  });

  it('trains the default network to the wasm backend’s losses and embeddings', async () => {
    await useWasmBackend();
    const wasm = await trainFrom(initial);
    await selectBackend('tfjs-node', { env: {} });
    const native = await trainFrom(initial);
    expect(native.losses).toHaveLength(5);
    native.losses.forEach((loss, i) => expect(Math.abs(loss - wasm.losses[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(wasm.losses[i]))));
    const largestDifference = (a: Float32Array, b: Float32Array) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(largestDifference(native.embeddings, wasm.embeddings)).toBeLessThan(1e-4);
    // Training moved the embeddings far more than the backends differ: equal results are not two untouched models.
    expect(largestDifference(native.embeddings, untrained)).toBeGreaterThan(1e-2);
  }, 120_000);

  it('loads in worker threads, where the trainer and re-embedding run', async () => {
    const source = `
      const { parentPort } = require('node:worker_threads');
      process.env.TF_CPP_MIN_LOG_LEVEL = '2';
      require('@tensorflow/tfjs-node');
      const tf = require('@tensorflow/tfjs-core');
      parentPort.postMessage({ backend: tf.getBackend(), product: Array.from(tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync()) });`;
    const answers = await Promise.all(
      [0, 1].map(
        () =>
          new Promise((resolve, reject) => {
            const worker = new Worker(source, { eval: true });
            worker.once('message', (message) => void worker.terminate().then(() => resolve(message)));
            worker.once('error', reject);
          }),
      ),
    );
    expect(answers).toEqual([0, 1].map(() => ({ backend: 'tensorflow', product: [3, 3, 3, 3] })));
  }, 60_000);
});
