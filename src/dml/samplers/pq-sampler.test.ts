import { describe, expect, it } from 'vitest';
import { PQSampler } from './pq-sampler';

function labelsOf(counts: number[]): Int32Array {
  return Int32Array.from(counts.flatMap((count, label) => new Array(count).fill(label)));
}

function groups(batch: { indices: Int32Array; labels: Int32Array }, q: number): Array<{ label: number; indices: number[] }> {
  const out = [];
  for (let k = 0; k < batch.labels.length; k += q) out.push({ label: batch.labels[k], indices: [...batch.indices.slice(k, k + q)] });
  return out;
}

describe('PQSampler', () => {
  it('draws P distinct classes × Q distinct items with correct labels', () => {
    const labels = labelsOf([10, 12, 9, 15, 11, 8]);
    const sampler = PQSampler.fromLabels(labels, { classesPerBatch: 4, itemsPerClass: 5, seed: 1 });
    for (let b = 0; b < 50; b++) {
      const batch = sampler.nextBatch();
      expect(batch.indices.length).toBe(20);
      const gs = groups(batch, 5);
      expect(new Set(gs.map((g) => g.label)).size).toBe(4);
      for (const g of gs) {
        expect(new Set(g.indices).size).toBe(5);
        for (const i of g.indices) expect(labels[i]).toBe(g.label);
      }
      batch.indices.forEach((i, k) => expect(labels[i]).toBe(batch.labels[k]));
    }
  });

  it('covers classes and items uniformly without a recency setting', () => {
    const labels = labelsOf([20, 20, 20, 20]);
    const sampler = PQSampler.fromLabels(labels, { classesPerBatch: 2, itemsPerClass: 2, seed: 2 });
    const classHits = new Array(4).fill(0);
    const itemHits = new Array(labels.length).fill(0);
    for (let b = 0; b < 2000; b++) {
      const batch = sampler.nextBatch();
      for (let k = 0; k < batch.labels.length; k += 2) classHits[batch.labels[k]]++;
      for (const i of batch.indices) itemHits[i]++;
    }
    for (const h of classHits) expect(h / 4000).toBeCloseTo(0.25, 1);
    // Each item: expected 2000 · (2/4) · (2/20) = 100 picks.
    for (const h of itemHits) expect(Math.abs(h - 100)).toBeLessThan(45);
  });

  it('fills classes with fewer than Q items by sampling with replacement', () => {
    const labels = labelsOf([1, 2, 7]);
    const sampler = PQSampler.fromLabels(labels, { classesPerBatch: 3, itemsPerClass: 4, seed: 3 });
    for (let b = 0; b < 20; b++) {
      for (const g of groups(sampler.nextBatch(), 4)) {
        expect(g.indices.length).toBe(4);
        for (const i of g.indices) expect(labels[i]).toBe(g.label);
        // Every available item appears before any repeats.
        const available = [...labels.keys()].filter((i) => labels[i] === g.label);
        expect(new Set(g.indices).size).toBe(Math.min(4, available.length));
      }
    }
  });

  it('uses every class when fewer than P exist, and refuses fewer than 2', () => {
    const sampler = PQSampler.fromLabels(labelsOf([3, 3]), { classesPerBatch: 8, itemsPerClass: 2 });
    expect(new Set(sampler.nextBatch().labels).size).toBe(2);
    const lonely = PQSampler.fromLabels(labelsOf([5]), { classesPerBatch: 2, itemsPerClass: 2 });
    expect(() => lonely.nextBatch()).toThrow(/at least 2 classes/);
    expect(() => new PQSampler({ classesPerBatch: 1, itemsPerClass: 2 })).toThrow(/classesPerBatch/);
    expect(() => new PQSampler({ classesPerBatch: 2, itemsPerClass: 0 })).toThrow(/itemsPerClass/);
    expect(() => new PQSampler({ classesPerBatch: 2, itemsPerClass: 2, recencyHalfLifeMs: -1 })).toThrow(/recencyHalfLifeMs/);
    expect(() => lonely.add(-1, 0)).toThrow(/index/);
    expect(() => lonely.add(1, 0.5)).toThrow(/label/);
  });

  it('samples classes that arrive later, and forgets removed items', () => {
    const sampler = PQSampler.fromLabels(labelsOf([5, 5]), { classesPerBatch: 3, itemsPerClass: 2, seed: 4 });
    expect(new Set(sampler.nextBatch().labels)).toEqual(new Set([0, 1]));
    sampler.add(100, 7);
    sampler.add(101, 7);
    expect(sampler.numClasses).toBe(3);
    const batch = sampler.nextBatch();
    expect(new Set(batch.labels)).toEqual(new Set([0, 1, 7]));
    expect(groups(batch, 2).find((g) => g.label === 7)!.indices.sort()).toEqual([100, 101]);

    expect(sampler.remove(100)).toBe(true);
    expect(sampler.remove(100)).toBe(false);
    expect(sampler.remove(101)).toBe(true);
    expect(sampler.numClasses).toBe(2);
    for (let b = 0; b < 20; b++) expect(sampler.nextBatch().labels.includes(7)).toBe(false);
    // Re-adding an index under another label moves it.
    sampler.add(0, 1);
    expect(sampler.labelOf(0)).toBe(1);
    expect(sampler.size).toBe(10);
  });

  it('favours recent items and classes with a half-life, measurably', () => {
    let clock = 0;
    const sampler = new PQSampler({ classesPerBatch: 2, itemsPerClass: 2, seed: 5, recencyHalfLifeMs: 1000, now: () => clock });
    // Classes 0..3 with 10 old items each (t = 0); class 3 also gets 10 new items (t = 3000).
    for (let c = 0; c < 4; c++) for (let k = 0; k < 10; k++) sampler.add(c * 10 + k, c, 0);
    for (let k = 0; k < 10; k++) sampler.add(100 + k, 3, 3000);
    clock = 3000;
    let newItems = 0;
    let class3Items = 0;
    const classHits = new Array(4).fill(0);
    for (let b = 0; b < 2000; b++) {
      const batch = sampler.nextBatch();
      batch.indices.forEach((i, k) => {
        if (batch.labels[k] === 3) {
          class3Items++;
          if (i >= 100) newItems++;
        }
      });
      for (let k = 0; k < batch.labels.length; k += 2) classHits[batch.labels[k]]++;
    }
    // Within class 3, new items weigh 8× the old ones (3 half-lives): ~8/9 of the picks.
    expect(newItems / class3Items).toBeGreaterThan(0.8);
    // Class 3's newest item is 3 half-lives newer than any other class's, so it is picked more.
    expect(classHits[3]).toBeGreaterThan(1.3 * Math.max(classHits[0], classHits[1], classHits[2]));

    const uniform = PQSampler.fromLabels(labelsOf([10, 10, 10, 10]), { classesPerBatch: 2, itemsPerClass: 2, seed: 5 });
    let uniformClass3 = 0;
    for (let b = 0; b < 2000; b++) uniformClass3 += uniform.nextBatch().labels.filter((l) => l === 3).length;
    expect(uniformClass3 / 8000).toBeCloseTo(0.25, 1);
  });

  it('is deterministic for a seed', () => {
    const labels = labelsOf([6, 7, 8, 9, 10]);
    const run = (seed: number) => {
      const sampler = PQSampler.fromLabels(labels, { classesPerBatch: 3, itemsPerClass: 3, seed });
      return Array.from({ length: 5 }, () => [...sampler.nextBatch().indices]);
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});
