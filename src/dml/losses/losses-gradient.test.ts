import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossCases, lossValue } from '../testing/loss-cases';
import { randomBatch } from '../testing/synthetic';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * Central differences in float32: with step h the rounding error is about ε·|f|/h ≈ 1e-4 and the
 * truncation error about h²·|f'''|/6, which stays below 1e-3 even for multi-similarity's β = 50
 * with h = 1e-3. Errors are measured relative to the gradient's norm.
 */
const H = 1e-3;
const TOLERANCE = 1e-2;

describe('analytic gradients match central differences', () => {
  for (const c of lossCases) {
    it(c.title, () => {
      for (const seed of [11, 12]) {
        const { rows, labels } = randomBatch(seed, 8, 4, 3);
        const loss = c.make(labels, 4);
        const analytic = tf.tidy(() => tf.grad((e: tf.Tensor) => loss.compute(e as tf.Tensor2D, labels))(tf.tensor2d(rows)).arraySync() as number[][]);
        let diff = 0;
        let norm = 0;
        for (let i = 0; i < rows.length; i++) {
          for (let k = 0; k < rows[i].length; k++) {
            const plus = rows.map((r) => [...r]);
            const minus = rows.map((r) => [...r]);
            plus[i][k] += H;
            minus[i][k] -= H;
            const numeric = (lossValue(loss, plus, labels) - lossValue(loss, minus, labels)) / (2 * H);
            diff += (numeric - analytic[i][k]) ** 2;
            norm += analytic[i][k] ** 2;
          }
        }
        const relative = Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-3);
        expect(Math.sqrt(norm), `seed ${seed}: gradient is not trivially zero`).toBeGreaterThan(1e-3);
        expect(relative, `seed ${seed}: relative error ${relative}`).toBeLessThan(TOLERANCE);
      }
    });
  }
});
