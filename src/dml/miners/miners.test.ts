import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CosineSimilarity } from '../distances/cosine-similarity';
import { LpDistance } from '../distances/lp-distance';
import type { IndicesTuple, TripletIndices } from '../indices';
import { refMatrix, type RefDistanceKind } from '../testing/reference';
import { randomBatch } from '../testing/synthetic';
import { BatchHardMiner } from './batch-hard-miner';
import { DistanceWeightedMiner } from './distance-weighted-miner';
import { MultiSimilarityMiner } from './multi-similarity-miner';
import { TripletMarginMiner, SemiHardMiner } from './triplet-margin-miner';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const { rows, labels } = randomBatch(21, 16, 5, 4);
const distances = [
  { kind: 'euclidean' as RefDistanceKind, distance: new LpDistance() },
  { kind: 'cosine' as RefDistanceKind, distance: new CosineSimilarity() },
];

function mineOn<T extends IndicesTuple>(miner: { mine(e: tf.Tensor2D, l: Int32Array): T }, batch = rows, batchLabels = labels): T {
  const e = tf.tensor2d(batch);
  try {
    return miner.mine(e, batchLabels);
  } finally {
    e.dispose();
  }
}

function expectValidTriplets(t: TripletIndices): void {
  for (let k = 0; k < t.anchors.length; k++) {
    expect(t.anchors[k]).not.toBe(t.positives[k]);
    expect(labels[t.anchors[k]]).toBe(labels[t.positives[k]]);
    expect(labels[t.anchors[k]]).not.toBe(labels[t.negatives[k]]);
  }
}

const keyOf = (a: number, p: number, n: number) => `${a},${p},${n}`;

describe('BatchHardMiner', () => {
  for (const { kind, distance } of distances) {
    it(`picks the farthest positive and the closest negative per anchor (${kind})`, () => {
      const mat = refMatrix(kind, rows);
      const farther = kind === 'cosine' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b;
      const t = mineOn(new BatchHardMiner({ distance }));
      expectValidTriplets(t);
      expect(t.anchors.length).toBe(rows.length);
      for (let k = 0; k < t.anchors.length; k++) {
        const a = t.anchors[k];
        for (let j = 0; j < rows.length; j++) {
          if (j === a) continue;
          if (labels[j] === labels[a]) expect(farther(mat[a][j], mat[a][t.positives[k]])).toBe(false);
          else expect(farther(mat[a][t.negatives[k]], mat[a][j])).toBe(false);
        }
      }
    });
  }

  it('skips anchors without a positive', () => {
    const t = mineOn(new BatchHardMiner(), rows.slice(0, 3), Int32Array.from([0, 1, 1]));
    expect([...t.anchors]).toEqual([1, 2]);
  });
});

describe('TripletMarginMiner', () => {
  const margin = 0.2;
  const bands = {
    all: (g: number) => g <= margin,
    hard: (g: number) => g <= 0,
    semihard: (g: number) => g > 0 && g <= margin,
    easy: (g: number) => g > margin,
  };
  for (const { kind, distance } of distances) {
    for (const type of ['all', 'hard', 'semihard', 'easy'] as const) {
      it(`'${type}' returns exactly the triplets in its band (${kind})`, () => {
        const mat = refMatrix(kind, rows);
        const t = mineOn(new TripletMarginMiner({ type, margin, distance }));
        expectValidTriplets(t);
        const mined = new Set(Array.from(t.anchors, (a, k) => keyOf(a, t.positives[k], t.negatives[k])));
        let expected = 0;
        for (let a = 0; a < rows.length; a++) {
          for (let p = 0; p < rows.length; p++) {
            if (p === a || labels[p] !== labels[a]) continue;
            for (let n = 0; n < rows.length; n++) {
              if (labels[n] === labels[a]) continue;
              const gap = kind === 'cosine' ? mat[a][p] - mat[a][n] : mat[a][n] - mat[a][p];
              // float32 vs float64 may disagree right at a band edge; skip those.
              if (Math.abs(gap) < 1e-5 || Math.abs(gap - margin) < 1e-5) continue;
              const inBand = bands[type](gap);
              if (inBand) expected++;
              expect(mined.has(keyOf(a, p, n)), `gap ${gap}`).toBe(inBand);
            }
          }
        }
        expect(expected).toBeGreaterThan(0);
      });
    }
  }

  it('SemiHardMiner is the semihard band', () => {
    const a = mineOn(new SemiHardMiner({ margin: 0.3 }));
    const b = mineOn(new TripletMarginMiner({ type: 'semihard', margin: 0.3 }));
    expect(a).toEqual(b);
  });

  it('rejects an unknown type', () => {
    expect(() => new TripletMarginMiner({ type: 'medium' as never })).toThrow(/type/);
  });
});

describe('DistanceWeightedMiner', () => {
  it('draws one valid negative per (anchor, positive), deterministically per seed', () => {
    const mine = (seed: number) => mineOn(new DistanceWeightedMiner({ seed }));
    const t = mine(3);
    expectValidTriplets(t);
    let pairs = 0;
    for (let a = 0; a < rows.length; a++) for (let p = 0; p < rows.length; p++) if (p !== a && labels[p] === labels[a]) pairs++;
    expect(t.anchors.length).toBe(pairs);
    expect(mine(3)).toEqual(t);
    expect(mine(4)).not.toEqual(t);
  });

  it('samples negatives with probability ∝ 1/q(d), cut off at nonzeroLossCutoff', () => {
    // One anchor, one positive, six negatives at chosen distances on the unit sphere in 8-D.
    const dim = 8;
    const angles = [0.3, 0.6, 0.8, 1.0, 1.2, 1.6];
    const anchor = Array.from({ length: dim }, (_, k) => (k === 0 ? 1 : 0));
    const batch = [anchor, anchor.map((_, k) => (k === 0 ? Math.cos(0.1) : k === 1 ? Math.sin(0.1) : 0))];
    for (const angle of angles) batch.push(anchor.map((_, k) => (k === 0 ? Math.cos(angle) : k === 2 ? Math.sin(angle) : 0)));
    const batchLabels = Int32Array.from([0, 0, 1, 1, 1, 1, 1, 1]);
    const miner = new DistanceWeightedMiner({ seed: 1 });
    const dists = angles.map((angle) => 2 * Math.sin(angle / 2));
    const weights = dists.map((d) => {
      if (d >= 1.4) return 0;
      const s = Math.max(d, 0.5);
      return Math.pow(s, 2 - dim) * Math.pow(1 - (s * s) / 4, -(dim - 3) / 2);
    });
    const total = weights.reduce((x, y) => x + y, 0);
    const counts = new Array(angles.length).fill(0);
    const draws = 3000;
    const e = tf.tensor2d(batch);
    for (let i = 0; i < draws; i++) {
      const t = miner.mine(e, batchLabels);
      counts[t.negatives[0] - 2]++;
    }
    e.dispose();
    expect(dists[5]).toBeGreaterThan(1.4);
    expect(counts[5]).toBe(0);
    for (let k = 0; k < angles.length; k++) {
      expect(Math.abs(counts[k] / draws - weights[k] / total), `negative ${k}`).toBeLessThan(0.03);
    }
  });
});

describe('MultiSimilarityMiner', () => {
  for (const { kind, distance } of distances) {
    it(`keeps exactly the pairs the ε-rule selects (${kind})`, () => {
      const epsilon = 0.1;
      const mat = refMatrix(kind, rows);
      const close = (v: number) => (kind === 'cosine' ? v : -v);
      const pairs = mineOn(new MultiSimilarityMiner({ distance, epsilon }));
      const pos = new Set(Array.from(pairs.posA, (a, k) => `${a},${pairs.posB[k]}`));
      const neg = new Set(Array.from(pairs.negA, (a, k) => `${a},${pairs.negB[k]}`));
      for (let a = 0; a < rows.length; a++) {
        const others = rows.map((_, j) => j).filter((j) => j !== a);
        const hardestPos = Math.min(...others.filter((j) => labels[j] === labels[a]).map((j) => close(mat[a][j])));
        const hardestNeg = Math.max(...others.filter((j) => labels[j] !== labels[a]).map((j) => close(mat[a][j])));
        for (const j of others) {
          const c = close(mat[a][j]);
          if (labels[j] === labels[a]) {
            if (Math.abs(c - epsilon - hardestNeg) < 1e-5) continue;
            expect(pos.has(`${a},${j}`)).toBe(c - epsilon < hardestNeg);
          } else {
            if (Math.abs(c + epsilon - hardestPos) < 1e-5) continue;
            expect(neg.has(`${a},${j}`)).toBe(c + epsilon > hardestPos);
          }
        }
      }
      expect(pos.size).toBeGreaterThan(0);
      expect(neg.size).toBeGreaterThan(0);
    });
  }
});

describe('miners release their tensors', () => {
  it('mine() leaves the tensor count unchanged', () => {
    const e = tf.tensor2d(rows);
    const miners = [new BatchHardMiner(), new TripletMarginMiner(), new DistanceWeightedMiner(), new MultiSimilarityMiner()];
    const before = tf.memory().numTensors;
    for (const miner of miners) miner.mine(e, labels);
    expect(tf.memory().numTensors).toBe(before);
    e.dispose();
  });
});
