import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossCases, lossValue } from '../testing/loss-cases';
import { randomBatch } from '../testing/synthetic';
import { refDistance } from '../testing/reference';
import { LpDistance } from '../distances/lp-distance';
import { BatchHardMiner } from '../miners/batch-hard-miner';
import { MultiSimilarityMiner } from '../miners/multi-similarity-miner';
import { ContrastiveLoss } from './contrastive-loss';
import { MultiSimilarityLoss } from './multi-similarity-loss';
import { TripletMarginLoss } from './triplet-margin-loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const batches = [
  { title: '12×6, 3 classes', ...randomBatch(1, 12, 6, 3) },
  { title: '10×4, 4 classes', ...randomBatch(2, 10, 4, 4) },
  // Labels with a singleton class (no positives for one anchor) and large gaps between ids.
  { title: '9×5, singleton class', rows: randomBatch(3, 9, 5, 1).rows, labels: Int32Array.from([7, 7, 7, 42, 42, 42, 42, 1000, 7]) },
];

describe('losses match the double-precision reference', () => {
  for (const c of lossCases) {
    it(c.title, () => {
      for (const batch of batches) {
        const dim = batch.rows[0].length;
        const loss = c.make(batch.labels, dim);
        const expected = c.reference(batch.rows, batch.labels, loss);
        const actual = lossValue(loss, batch.rows, batch.labels);
        expect(Number.isFinite(expected), `${batch.title}: reference is finite`).toBe(true);
        expect(Math.abs(actual - expected), `${batch.title}: ${actual} vs ${expected}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
      }
    });
  }
});

describe('degenerate batches stay finite', () => {
  const allDistinct = Int32Array.from([0, 1, 2, 3]);
  const allSame = Int32Array.from([5, 5, 5, 5]);
  for (const c of lossCases) {
    it(c.title, () => {
      const rows = randomBatch(4, 4, 3, 1).rows;
      for (const labels of [allDistinct, allSame, new Int32Array(0)]) {
        const loss = c.make(labels, 3);
        const x = labels.length === 0 ? (tf.zeros([0, 3]) as tf.Tensor2D) : tf.tensor2d(rows);
        const { value, grad } = tf.valueAndGrad((e: tf.Tensor) => loss.compute(e as tf.Tensor2D, labels))(x);
        const v = value.dataSync()[0];
        const g = grad.dataSync();
        expect(Number.isFinite(v), `labels [${labels}]: value ${v}`).toBe(true);
        expect(g.every((x) => Number.isFinite(x)), `labels [${labels}]: finite gradient`).toBe(true);
        expect(v, `labels [${labels}]: matches reference`).toBeCloseTo(labels.length === 0 ? 0 : c.reference(rows, labels, loss), 4);
        tf.dispose([x, value, grad]);
      }
    });
  }

  it('a batch of identical rows (an item sampled repeatedly) has finite gradients', () => {
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const base = randomBatch(5, 2, 4, 1).rows;
    const rows = [base[0], base[0], base[0], base[1], base[1], base[1]];
    for (const c of lossCases) {
      const loss = c.make(labels, 4);
      const grad = tf.grad((e: tf.Tensor) => loss.compute(e as tf.Tensor2D, labels))(tf.tensor2d(rows));
      expect(grad.dataSync().every((x) => Number.isFinite(x)), c.title).toBe(true);
      grad.dispose();
    }
  });
});

describe('no tensors leak', () => {
  it('compute and its gradient release every intermediate', () => {
    const { rows, labels } = randomBatch(6, 10, 4, 3);
    const x = tf.tensor2d(rows);
    for (const c of lossCases) {
      const loss = c.make(labels, 4);
      const run = () => {
        const { value, grad } = tf.valueAndGrad((e: tf.Tensor) => loss.compute(e as tf.Tensor2D, labels))(x);
        tf.dispose([value, grad]);
      };
      run();
      const before = tf.memory().numTensors;
      run();
      run();
      expect(tf.memory().numTensors, c.title).toBe(before);
    }
    x.dispose();
  });
});

describe('losses restricted to mined indices match the reference over those indices', () => {
  const { rows, labels } = randomBatch(7, 12, 5, 3);
  const kind = 'euclidean' as const;
  const d = (i: number, j: number) => refDistance(kind, rows[i], rows[j]);

  it('triplet loss over batch-hard triplets', () => {
    const x = tf.tensor2d(rows);
    const triplets = new BatchHardMiner().mine(x, labels);
    const losses = Array.from(triplets.anchors, (a, k) => Math.max(0, d(a, triplets.positives[k]) - d(a, triplets.negatives[k]) + 0.3));
    const nonZero = losses.filter((v) => v > 0).length;
    const expected = nonZero === 0 ? 0 : losses.reduce((s, v) => s + v, 0) / nonZero;
    const actual = tf.tidy(() => new TripletMarginLoss({ margin: 0.3 }).compute(x, labels, triplets).dataSync()[0]);
    expect(expected).toBeGreaterThan(0);
    expect(actual).toBeCloseTo(expected, 5);
    x.dispose();
  });

  it('contrastive and multi-similarity losses over mined pairs', () => {
    const x = tf.tensor2d(rows);
    const pairs = new MultiSimilarityMiner({ distance: new LpDistance(), epsilon: 0.3 }).mine(x, labels);
    const pos = Array.from(pairs.posA, (a, k) => d(a, pairs.posB[k]));
    const neg = Array.from(pairs.negA, (a, k) => d(a, pairs.negB[k]));
    expect(pos.length).toBeGreaterThan(0);
    expect(neg.length).toBeGreaterThan(0);
    const avgNonZero = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / Math.max(1, xs.filter((v) => v > 0).length);
    const contrastive = avgNonZero(pos.map((v) => Math.max(0, v - 0.1))) + avgNonZero(neg.map((v) => Math.max(0, 0.9 - v)));
    expect(tf.tidy(() => new ContrastiveLoss({ posMargin: 0.1, negMargin: 0.9 }).compute(x, labels, pairs).dataSync()[0])).toBeCloseTo(contrastive, 5);

    // Multi-similarity with a distance: per anchor, only its mined pairs enter the sums.
    const perAnchor = rows.map((_, a) => {
      let p = 0;
      let n = 0;
      pairs.posA.forEach((i, k) => { if (i === a) p += Math.exp(2 * (d(a, pairs.posB[k]) - 1)); });
      pairs.negA.forEach((i, k) => { if (i === a) n += Math.exp(10 * (1 - d(a, pairs.negB[k]))); });
      return Math.log1p(p) / 2 + Math.log1p(n) / 10;
    });
    const ms = perAnchor.reduce((s, v) => s + v, 0) / rows.length;
    const actual = tf.tidy(() => new MultiSimilarityLoss({ distance: new LpDistance(), alpha: 2, beta: 10, base: 1 }).compute(x, labels, pairs).dataSync()[0]);
    expect(actual).toBeCloseTo(ms, 5);
    x.dispose();
  });
});
