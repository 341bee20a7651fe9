import { describe, expect, it } from 'vitest';
import { normalizedMutualInformation } from './normalized-mutual-information';

/** NMI from a dense contingency table via I = H(U) + H(V) - H(U,V), in base 2 (the base cancels). */
function referenceNmi(u: number[], v: number[]): number {
  const us = [...new Set(u)];
  const vs = [...new Set(v)];
  const table = us.map(() => vs.map(() => 0));
  u.forEach((a, i) => table[us.indexOf(a)][vs.indexOf(v[i])]++);
  const n = u.length;
  const h = (counts: number[]) => -counts.filter((c) => c > 0).reduce((s, c) => s + (c / n) * Math.log2(c / n), 0);
  const hu = h(table.map((row) => row.reduce((s, c) => s + c, 0)));
  const hv = h(vs.map((_, j) => table.reduce((s, row) => s + row[j], 0)));
  const huv = h(table.flat());
  return (hu + hv - huv) / ((hu + hv) / 2);
}

describe('normalizedMutualInformation', () => {
  it('matches a hand computation', () => {
    // classes [0,0,1,1], clusters [0,0,0,1]
    const mi = 0.5 * Math.log(4 / 3) + 0.25 * Math.log(2 / 3) + 0.25 * Math.log(2);
    const hClasses = Math.log(2);
    const hClusters = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 0, 0, 1])).toBeCloseTo(mi / ((hClasses + hClusters) / 2), 12);
  });

  it('is 1 for identical partitions under any renaming and 0 for independent ones', () => {
    expect(normalizedMutualInformation([0, 0, 1, 1, 2], [7, 7, 3, 3, 9])).toBeCloseTo(1, 12);
    expect(normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    expect(normalizedMutualInformation([4, 4, 4], [1, 1, 1])).toBe(1);
    expect(normalizedMutualInformation([0, 1, 2], [5, 5, 5])).toBe(0);
  });

  it('agrees with an independent reference on random labelings', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let trial = 0; trial < 20; trial++) {
      const n = 20 + Math.floor(random() * 300);
      const u = Array.from({ length: n }, () => Math.floor(random() * 6));
      const v = u.map((a) => (random() < 0.6 ? a : Math.floor(random() * 4)));
      expect(normalizedMutualInformation(u, v)).toBeCloseTo(referenceNmi(u, v), 10);
    }
  });

  it('rejects labelings of different lengths', () => {
    expect(() => normalizedMutualInformation([0, 1], [0])).toThrow(/same length/);
  });
});
