import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../dml/random';
import { instanceContrastLoss } from './instance-contrast';

/** Reference NT-Xent written as loops: row i's positive is its twin (i ± n), candidates exclude i. */
function reference(z: number[][], temperature: number): number {
  const unit = z.map((r) => {
    const norm = Math.sqrt(r.reduce((s, v) => s + v * v, 0));
    return r.map((v) => v / norm);
  });
  const rows = z.length;
  const n = rows / 2;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const twin = i < n ? i + n : i - n;
    const logits = unit.map((r) => r.reduce((s, v, d) => s + v * unit[i][d], 0) / temperature);
    let denominator = 0;
    for (let j = 0; j < rows; j++) if (j !== i) denominator += Math.exp(logits[j]);
    total += Math.log(denominator) - logits[twin];
  }
  return total / rows;
}

describe('instanceContrastLoss', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('matches a loop reference', () => {
    const rng = createRandom(9);
    const z = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => rng.normal()));
    for (const t of [0.1, 0.5, 1]) expect(instanceContrastLoss(tf.tensor2d(z), t).dataSync()[0]).toBeCloseTo(reference(z, t), 4);
  });

  it('is lower when each view sits next to its twin', () => {
    const rng = createRandom(3);
    const base = Array.from({ length: 4 }, () => Array.from({ length: 8 }, () => rng.normal()));
    const twins = [...base, ...base.map((r) => r.map((v) => v + 0.01 * rng.normal()))];
    const strangers = [...base, ...Array.from({ length: 4 }, () => Array.from({ length: 8 }, () => rng.normal()))];
    expect(instanceContrastLoss(tf.tensor2d(twins), 0.1).dataSync()[0]).toBeLessThan(instanceContrastLoss(tf.tensor2d(strangers), 0.1).dataSync()[0]);
  });

  it('rejects odd batches and non-positive temperatures', () => {
    expect(() => instanceContrastLoss(tf.zeros([5, 3]), 0.1)).toThrow(/even row count/);
    expect(() => instanceContrastLoss(tf.ones([4, 3]), 0)).toThrow(/temperature/);
  });
});
