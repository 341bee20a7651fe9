import { describe, expect, it } from 'vitest';
import type { VectorDistance } from '../../core/vector-store';
import { seededRandom } from '../seeded-random';
import { exactSearch, scriptScan } from './exact-search';
import { TopK } from './top-k';
import { VectorTable } from './vector-table';

function reference(distance: VectorDistance, a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    sq += (a[i] - b[i]) ** 2;
  }
  return distance === 'euclid' ? -Math.sqrt(sq) : dot;
}

describe('exactSearch', () => {
  const random = seededRandom(5);
  const dimension = 13;
  const table = new VectorTable(dimension, 4);
  const vectors = Array.from({ length: 700 }, () => Float32Array.from({ length: dimension }, () => random() * 2 - 1));
  vectors.forEach((v, i) => table.put(`p${i}`, v, { label: i % 3 === 0 ? 'a' : 'b' }));
  table.remove('p5');
  table.remove('p699');

  for (const distance of ['dot', 'euclid'] as const) {
    it(`native and script scans both match a brute-force ${distance} reference (dimension 13, after removals)`, () => {
      for (let q = 0; q < 5; q++) {
        const query = Float32Array.from({ length: dimension }, () => random() * 2 - 1);
        const expected = vectors
          .map((v, i) => ({ id: `p${i}`, score: reference(distance, query, v), label: i % 3 === 0 ? 'a' : 'b' }))
          .filter((p) => p.id !== 'p5' && p.id !== 'p699')
          .sort((x, y) => y.score - x.score);
        const native = exactSearch(table, query, distance, 12);
        const script = scriptScan(table, query, distance, 12);
        const filtered = exactSearch(table, query, distance, 12, { label: 'a' });
        for (const [hits, want] of [
          [native, expected.slice(0, 12)],
          [script, expected.slice(0, 12)],
          [filtered, expected.filter((p) => p.label === 'a').slice(0, 12)],
        ] as const) {
          expect(hits.map((h) => table.ids[h.slot])).toEqual(want.map((p) => p.id));
          hits.forEach((h, i) => expect(h.score).toBeCloseTo(want[i].score, 4));
        }
      }
    });
  }

  it('returns everything when k exceeds the table, and nothing for an empty table', () => {
    const query = new Float32Array(dimension).fill(0.1);
    expect(exactSearch(table, query, 'dot', 5000)).toHaveLength(698);
    expect(exactSearch(new VectorTable(dimension), query, 'dot', 5)).toEqual([]);
  });
});

describe('TopK', () => {
  it('keeps the k largest of a random stream, best first', () => {
    const random = seededRandom(9);
    const scores = Array.from({ length: 1000 }, () => random());
    const top = new TopK(25);
    scores.forEach((s, i) => top.offer(s, i));
    const expected = scores.map((score, slot) => ({ score, slot })).sort((a, b) => b.score - a.score).slice(0, 25);
    expect(top.sorted()).toEqual(expected);
  });
});
