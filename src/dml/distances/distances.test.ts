import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { refMatrix, type RefDistanceKind } from '../testing/reference';
import { randomBatch } from '../testing/synthetic';
import { CosineSimilarity } from './cosine-similarity';
import { closeness, excessDistance, type Distance } from './distance';
import { DotProductSimilarity } from './dot-product-similarity';
import { LpDistance } from './lp-distance';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases: Array<{ kind: RefDistanceKind; distance: Distance }> = [
  { kind: 'euclidean', distance: new LpDistance() },
  { kind: 'squared-euclidean', distance: new LpDistance({ squared: true }) },
  { kind: 'cosine', distance: new CosineSimilarity() },
  { kind: 'dot-product', distance: new DotProductSimilarity() },
];

describe('distances', () => {
  const q = randomBatch(1, 7, 5, 1).rows;
  const r = randomBatch(2, 4, 5, 1).rows;

  for (const { kind, distance } of cases) {
    it(`${kind}: matches the reference, for q×r and q×q`, () => {
      for (const [a, b] of [[q, r], [q, q]]) {
        const expected = refMatrix(kind, a, b);
        const actual = tf.tidy(() => {
          const ta = tf.tensor2d(a);
          return distance.matrix(ta, a === b ? ta : tf.tensor2d(b)).arraySync();
        });
        actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 4)));
      }
    });

    it(`${kind}: gradients stay finite for identical and zero rows`, () => {
      const rows = [q[0], q[0], q[1], [0, 0, 0, 0, 0]];
      const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(distance.matrix(x as tf.Tensor2D, x as tf.Tensor2D)))(tf.tensor2d(rows)).dataSync());
      expect(g.every((v) => Number.isFinite(v))).toBe(true);
    });
  }

  it('unnormalised Euclidean distance measures raw vectors', () => {
    const d = new LpDistance({ normalizeEmbeddings: false });
    const v = tf.tidy(() => d.matrix(tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])).dataSync()[0]);
    expect(v).toBeCloseTo(5, 5);
  });

  it('closeness and excessDistance orient values so that higher means closer', () => {
    const euclid = new LpDistance();
    const cos = new CosineSimilarity();
    tf.tidy(() => {
      expect(closeness(euclid, tf.scalar(2)).dataSync()[0]).toBe(-2);
      expect(closeness(cos, tf.scalar(0.5)).dataSync()[0]).toBe(0.5);
      // x = 1.5 is farther than y = 0.5 for a distance; for a similarity x = 0.2 is farther than y = 0.9.
      expect(excessDistance(euclid, 1.5, 0.5).dataSync()[0]).toBeCloseTo(1);
      expect(excessDistance(cos, 0.2, 0.9).dataSync()[0]).toBeCloseTo(0.7);
    });
  });
});
