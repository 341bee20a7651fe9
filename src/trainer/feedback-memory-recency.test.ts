import { describe, expect, it } from 'vitest';
import { FeedbackMemory } from './feedback-memory';
import { recencyWeight } from '../dml/samplers/recency-weight';

describe('recency-weighted sampling of the replay memory', () => {
  it('halves the weight per half-life, down to the floor', () => {
    expect(recencyWeight(0, 1000, 0.25)).toBe(1);
    expect(recencyWeight(1000, 1000, 0.25)).toBeCloseTo(0.625);
    expect(recencyWeight(1e9, 1000, 0.25)).toBe(0.25);
    expect(recencyWeight(1e9, 1000)).toBeGreaterThan(0);
  });

  it('draws new feedback more often without dropping old feedback', () => {
    const halfLife = 60_000;
    const memory = new FeedbackMemory({ capacity: 10_000, classesPerBatch: 2, itemsPerClass: 4, recencyHalfLifeMs: halfLife, recencyMinWeight: 0.25, seed: 7 });
    // Per class, 100 items labelled a day ago and 100 labelled just now.
    for (const label of ['a', 'b']) {
      for (let i = 0; i < 100; i++) memory.rememberLabel(`old-${label}-${i}`, label, 0);
      for (let i = 0; i < 100; i++) memory.rememberLabel(`new-${label}-${i}`, label, 86_400_000);
    }
    const drawnOld = new Set<string>();
    let fresh = 0;
    let total = 0;
    for (let b = 0; b < 2000; b++) {
      for (const id of memory.nextLabelledBatch()!.ids) {
        total++;
        if (id.startsWith('new-')) fresh++;
        else drawnOld.add(id);
      }
    }
    // Weights 1 (new) vs 0.25 (old): new items are 100 / (100 + 25) = 80 % of the draws.
    const share = fresh / total;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.85);
    // …and every old item still comes up.
    expect(drawnOld.size).toBe(200);
  });

  it('without a floor, old feedback practically stops being drawn', () => {
    const memory = new FeedbackMemory({ capacity: 10_000, classesPerBatch: 2, itemsPerClass: 4, recencyHalfLifeMs: 60_000, recencyMinWeight: 0, seed: 7 });
    for (const label of ['a', 'b']) {
      for (let i = 0; i < 100; i++) memory.rememberLabel(`old-${label}-${i}`, label, 0);
      for (let i = 0; i < 100; i++) memory.rememberLabel(`new-${label}-${i}`, label, 86_400_000);
    }
    let old = 0;
    for (let b = 0; b < 500; b++) old += memory.nextLabelledBatch()!.ids.filter((id) => id.startsWith('old-')).length;
    expect(old).toBe(0);
  });
});
