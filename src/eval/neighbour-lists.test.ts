import { describe, expect, it } from 'vitest';
import { findNeighbourLists } from './neighbour-lists';

describe('findNeighbourLists', () => {
  it('lists the nearest other items of a hand-worked example', async () => {
    const lists = await findNeighbourLists(new Float32Array([0, 1, 3, 7]), 1, 2, { distance: 'euclidean' });
    expect(Array.from(lists.indices)).toEqual([1, 2, 0, 2, 1, 0, 2, 1]);
  });

  it('gives the same lists as a float64 brute force when the work is split into many blocks', async () => {
    let s = 12;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const n = 157;
    const dim = 9;
    const width = 20;
    const x = Float32Array.from({ length: n * dim }, () => random() * 2 - 1);
    for (const distance of ['cosine', 'euclidean'] as const) {
      // 157 × 10 floats per block: 16 blocks, the last one partial.
      const lists = await findNeighbourLists(x, dim, width, { distance, maxBlockFloats: n * 10 });
      for (let q = 0; q < n; q++) {
        const d = (j: number) => {
          let dot = 0;
          let qq = 0;
          let jj = 0;
          for (let k = 0; k < dim; k++) {
            dot += x[q * dim + k] * x[j * dim + k];
            qq += x[q * dim + k] ** 2;
            jj += x[j * dim + k] ** 2;
          }
          return distance === 'cosine' ? 1 - dot / Math.sqrt(qq * jj) : qq + jj - 2 * dot;
        };
        const expected = Array.from({ length: n }, (_, j) => j)
          .filter((j) => j !== q)
          .sort((a, b) => d(a) - d(b))
          .slice(0, width);
        expect(Array.from(lists.indices.subarray(q * width, (q + 1) * width)), `${distance} query ${q}`).toEqual(expected);
      }
    }
  });
});
