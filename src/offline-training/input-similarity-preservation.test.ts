import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../dml/random';
import { inputSimilarityPreservation } from './input-similarity-preservation';

/** Reference: plain loops over pooled images and cosine similarities. */
function reference(emb: number[][], images: number[][][], pool: number): number {
  const pooled = images.map((img) => {
    const out: number[] = [];
    for (let y = 0; y + pool <= img.length; y += pool)
      for (let x = 0; x + pool <= img[0].length; x += pool) {
        let s = 0;
        for (let dy = 0; dy < pool; dy++) for (let dx = 0; dx < pool; dx++) s += img[y + dy][x + dx];
        out.push(s / (pool * pool));
      }
    return out;
  });
  const cos = (a: number[], b: number[]) => {
    let ab = 0, aa = 0, bb = 0;
    a.forEach((v, i) => ((ab += v * b[i]), (aa += v * v), (bb += b[i] * b[i])));
    return ab / Math.sqrt(aa * bb);
  };
  let sum = 0;
  for (let i = 0; i < emb.length; i++) for (let j = 0; j < emb.length; j++) sum += (cos(emb[i], emb[j]) - cos(pooled[i], pooled[j])) ** 2;
  return sum / (emb.length * emb.length);
}

describe('inputSimilarityPreservation', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  const rng = createRandom(4);
  const images = Array.from({ length: 5 }, () => Array.from({ length: 8 }, () => Array.from({ length: 8 }, () => rng.next() * 255)));
  const emb = Array.from({ length: 5 }, () => Array.from({ length: 3 }, () => rng.normal()));

  it('matches a loop reference, with and without pooling', () => {
    const x = tf.tensor4d(images.flat(2), [5, 8, 8, 1]);
    for (const pool of [1, 2, 4]) {
      const value = inputSimilarityPreservation(tf.tensor2d(emb), x, pool).dataSync()[0];
      expect(value).toBeCloseTo(reference(emb, images, pool), 5);
    }
  });

  it('is zero when the embedding reproduces the inputs’ geometry up to scale', () => {
    const x = tf.tensor2d(emb.map((r) => r.map((v) => v + 3)));
    expect(inputSimilarityPreservation(tf.mul(x, 7) as tf.Tensor2D, x).dataSync()[0]).toBeCloseTo(0, 6);
  });

  it('rejects mismatched batches and bad pool sizes', () => {
    expect(() => inputSimilarityPreservation(tf.zeros([3, 2]), tf.zeros([4, 8, 8, 1]))).toThrow(/rows/);
    expect(() => inputSimilarityPreservation(tf.zeros([4, 2]), tf.zeros([4, 8, 8, 1]), 0)).toThrow(/pool/);
  });
});
