import { describe, expect, it } from 'vitest';
import { allPairs, allTriplets, asTriplets, checkIndices, indicesCount, pairsToTriplets, tripletsToPairs } from './indices';

const labels = Int32Array.from([0, 1, 0, 2, 1, 0]);

describe('index tuples', () => {
  it('allPairs lists every ordered pair once, split by label agreement', () => {
    const p = allPairs(labels);
    expect(p.posA.length + p.negA.length).toBe(6 * 5);
    for (let k = 0; k < p.posA.length; k++) {
      expect(p.posA[k]).not.toBe(p.posB[k]);
      expect(labels[p.posA[k]]).toBe(labels[p.posB[k]]);
    }
    for (let k = 0; k < p.negA.length; k++) expect(labels[p.negA[k]]).not.toBe(labels[p.negB[k]]);
    // class 0 has 3 items (6 ordered pairs), class 1 has 2 (2 pairs)
    expect(p.posA.length).toBe(8);
  });

  it('allTriplets equals the brute-force enumeration', () => {
    const t = allTriplets(labels);
    const expected: string[] = [];
    for (let a = 0; a < 6; a++) for (let p = 0; p < 6; p++) for (let n = 0; n < 6; n++) {
      if (a !== p && labels[a] === labels[p] && labels[n] !== labels[a]) expected.push(`${a},${p},${n}`);
    }
    expect(Array.from(t.anchors, (a, k) => `${a},${t.positives[k]},${t.negatives[k]}`)).toEqual(expected);
  });

  it('pairs → triplets joins positive and negative pairs on the anchor; round trip keeps the triplets', () => {
    const t = allTriplets(labels);
    const viaPairs = pairsToTriplets(allPairs(labels));
    const key = (x: typeof t) => Array.from(x.anchors, (a, k) => `${a},${x.positives[k]},${x.negatives[k]}`).sort();
    expect(key(viaPairs)).toEqual(key(t));
    const small = { kind: 'triplets' as const, anchors: Int32Array.from([0]), positives: Int32Array.from([2]), negatives: Int32Array.from([3]) };
    expect(asTriplets(tripletsToPairs(small))).toEqual(small);
    expect(indicesCount(tripletsToPairs(small))).toBe(2);
  });

  it('checkIndices names the bad field', () => {
    const bad = { kind: 'pairs' as const, posA: Int32Array.from([0]), posB: Int32Array.from([9]), negA: new Int32Array(0), negB: new Int32Array(0) };
    expect(() => checkIndices(bad, 6, 'X')).toThrow(/indices\.posB\[0\] = 9/);
    const ragged = { kind: 'triplets' as const, anchors: Int32Array.from([0, 1]), positives: Int32Array.from([2]), negatives: Int32Array.from([3]) };
    expect(() => checkIndices(ragged, 6, 'X')).toThrow(/indices\.positives has length 1/);
  });
});
