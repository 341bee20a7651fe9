import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder } from '../encoder/encoder';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { createOnnxThreadPool } from './onnx-thread-pool';

async function embedInThread(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) });
    return result[session.outputNames[0]].data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('onnx thread pool', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs several models on its threads as a session in this thread does, and survives a model that cannot load', async () => {
    const models = [4, 3].map((dim, k) => {
      const encoder = createEncoder({ kind: 'mlp', input: { features: 5 }, hidden: [7], dim });
      return { key: `v00000${k + 1}`, onnx: exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }) };
    });
    const input = Float32Array.from({ length: 40 * 5 }, (_, j) => Math.cos(j * 0.11));
    const pool = createOnnxThreadPool(2);
    try {
      const jobs = models.flatMap((model) => [0, 1, 2].map(() => pool.run(model, input.slice(), [40, 5])));
      const results = await Promise.all(jobs);
      for (const [m, model] of models.entries()) {
        const reference = await embedInThread(model.onnx, input, [40, 5]);
        for (const result of results.slice(m * 3, m * 3 + 3)) {
          expect(result).toHaveLength(reference.length);
          Array.from(result).forEach((v, i) => expect(v).toBeCloseTo(reference[i], 6));
        }
      }
      await expect(pool.run({ key: 'broken', onnx: Uint8Array.from([1, 2, 3]) }, input.slice(), [40, 5])).rejects.toThrow();
      pool.forget(models[0].key);
      const again = await pool.run(models[0], input.slice(), [40, 5]);
      expect(again).toEqual(results[0]);
    } finally {
      await pool.close();
    }
    await expect(pool.run(models[0], input.slice(), [40, 5])).rejects.toThrow(/closed/);
  });
});
