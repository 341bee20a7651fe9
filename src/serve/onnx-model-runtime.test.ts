import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../encoder/encoder';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { createModelStore } from '../store';
import { createOnnxModelRuntime } from './onnx-model-runtime';

/** Runs `work` while a loop of immediates turns on this thread; how often it turned says how free the thread stayed. */
async function countingLoopTurns<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let turning = true;
  const spin = () => {
    turns++;
    if (turning) setImmediate(spin);
  };
  setImmediate(spin);
  try {
    return { result: await work(), turns };
  } finally {
    turning = false;
  }
}

describe('onnx model runtime', () => {
  let dir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'discern-runtime-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('spreads a large embed over threads and returns the rows in order, as one session does', async () => {
    const encoder = createEncoder({ kind: 'mlp', input: { features: 6 }, hidden: [8], dim: 4 });
    const modelStore = createModelStore({ kind: 'fs', dir });
    const onnx = exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head });
    await modelStore.put({ id: 'v000001', createdAt: new Date().toISOString(), step: 0, embeddingDim: 4, input: { features: 6 } }, onnx);
    const rows = 1_037;
    const input = Float32Array.from({ length: rows * 6 }, (_, j) => Math.sin(j * 0.37));
    const single = createOnnxModelRuntime(modelStore, { batchSize: 100 });
    const parallel = createOnnxModelRuntime(modelStore, { batchSize: 100, parallelSessions: 3 });
    try {
      const one = await single.embed('v000001', input, [rows, 6]);
      // The calling thread stays free while the threads embed: a loop of immediates keeps turning.
      const { result: many, turns } = await countingLoopTurns(() => parallel.embed('v000001', input, [rows, 6]));
      expect(turns).toBeGreaterThan(11);
      expect(many).toHaveLength(rows * 4);
      Array.from(many).forEach((v, i) => expect(v).toBeCloseTo(one[i], 6));
      // And each row is that item's TF.js embedding (rows taken from the start, middle and end).
      const reference = encoder.embed(tf.tensor2d([Array.from(input.subarray(0, 6)), Array.from(input.subarray(600, 606)), Array.from(input.subarray((rows - 1) * 6))])).dataSync();
      [0, 100, rows - 1].forEach((row, r) => Array.from(many.subarray(row * 4, row * 4 + 4)).forEach((v, k) => expect(v).toBeCloseTo(reference[r * 4 + k], 5)));
      // A model that is no stored version embeds on the threads alike.
      expect(Array.from(await parallel.embedModel(onnx, input, [rows, 6])).every((v, i) => Math.abs(v - one[i]) < 1e-6)).toBe(true);
      // A small embed still works (one session, fewer rows than sessions).
      expect(await parallel.embed('v000001', input.subarray(0, 12), [2, 6])).toEqual(one.subarray(0, 8));
    } finally {
      await single.close();
      await parallel.close();
    }
  });

  it('embeds calls of one batch or less on its threads too, side by side, as the catalog embedder sends them', async () => {
    const features = 256;
    const encoder = createEncoder({ kind: 'mlp', input: { features }, hidden: [512], dim: 64 });
    const modelStore = createModelStore({ kind: 'fs', dir: join(dir, 'batches') });
    await modelStore.put({ id: 'v000001', createdAt: new Date().toISOString(), step: 0, embeddingDim: 64, input: { features } }, exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }));
    const rows = 2_000;
    const batch = () => Float32Array.from({ length: rows * features }, (_, j) => Math.cos(j * 0.11));
    const single = createOnnxModelRuntime(modelStore, { batchSize: rows });
    const parallel = createOnnxModelRuntime(modelStore, { batchSize: rows, parallelSessions: 2 });
    try {
      const one = await single.embed('v000001', batch(), [rows, features]);
      await parallel.embed('v000001', batch(), [rows, features]);
      // Each call is a whole batch (tens of ms of work): on the calling thread the loop would
      // turn about once per call; on the threads it turns all the while.
      const { result: results, turns } = await countingLoopTurns(() => Promise.all([batch(), batch(), batch(), batch()].map((input) => parallel.embed('v000001', input, [rows, features]))));
      expect(turns).toBeGreaterThan(50);
      for (const result of results) expect(result.reduce((worst, v, i) => Math.max(worst, Math.abs(v - one[i])), 0)).toBeLessThan(1e-5);
    } finally {
      await single.close();
      await parallel.close();
    }
  });
});
