import { describe, expect, it } from 'vitest';
import { knnAccuracy } from './knn-accuracy';
import { meanAveragePrecisionAtR } from './map-at-r';
import type { NeighbourLists } from './neighbour-lists';
import { precisionAtOne } from './precision-at-one';
import { rPrecision } from './r-precision';
import { recallAtK } from './recall-at-k';

function lists(rows: number[][]): NeighbourLists {
  return { count: rows.length, width: rows[0].length, indices: Int32Array.from(rows.flat()) };
}

// Five items: classes A = {0, 1, 2} (R = 2), B = {3, 4} (R = 1).
const labels = new Int32Array([0, 0, 0, 1, 1]);
const neighbours = lists([
  [3, 1, 2, 4], // query 0 (A): relevance 0 1 1 0
  [0, 2, 3, 4], // query 1 (A): 1 1 0 0
  [4, 3, 0, 1], // query 2 (A): 0 0 1 1
  [0, 4, 1, 2], // query 3 (B): 0 1 0 0
  [3, 0, 1, 2], // query 4 (B): 1 0 0 0
]);

describe('retrieval metrics on hand-computed neighbour lists', () => {
  it('Recall@K counts queries with a correct item among the first K', () => {
    expect(recallAtK(neighbours, labels, 1)).toBeCloseTo(2 / 5, 12); // queries 1, 4
    expect(recallAtK(neighbours, labels, 2)).toBeCloseTo(4 / 5, 12); // + 0, 3
    expect(recallAtK(neighbours, labels, 3)).toBeCloseTo(5 / 5, 12); // + 2
    expect(recallAtK(neighbours, labels, 8)).toBe(1);
  });

  it('precision@1 is the share of correct first neighbours', () => {
    expect(precisionAtOne(neighbours, labels)).toBeCloseTo(2 / 5, 12);
  });

  it('R-precision looks at the first R neighbours of each query', () => {
    // q0: 1/2, q1: 2/2, q2: 0/2, q3: 0/1, q4: 1/1
    expect(rPrecision(neighbours, labels)).toBeCloseTo((0.5 + 1 + 0 + 0 + 1) / 5, 12);
  });

  it('MAP@R rewards correct items ranked early', () => {
    // q0: (1/2 at rank 2) / 2 = 0.25; q1: (1 + 1) / 2 = 1; q2: 0; q3: 0; q4: 1
    expect(meanAveragePrecisionAtR(neighbours, labels)).toBeCloseTo((0.25 + 1 + 0 + 0 + 1) / 5, 12);
    // Same relevant count in the first R as q0 but ranked first scores higher.
    const earlier = lists([[1, 3], [0, 2], [0, 1], [4, 0], [3, 0]]);
    expect(meanAveragePrecisionAtR(earlier, labels)).toBeCloseTo((0.5 + 1 + 1 + 1 + 1) / 5, 12);
  });

  it('kNN accuracy takes a majority vote of the first k neighbours', () => {
    // k = 3: q0 votes B,A,A -> A ok; q1 A,A,B -> A ok; q2 B,B,A -> B wrong; q3 A,B,A -> A wrong; q4 B,A,A -> A wrong
    expect(knnAccuracy(neighbours, labels, 3)).toBeCloseTo(2 / 5, 12);
    // k = 4 ties: q0 B,A,A,B 2-2, A reached 2 first -> ok; q1 A,A,B,B -> A ok; q2 B,B,A,A -> B wrong;
    // q3 A,B,A,A -> A wrong; q4 B,A,A,A -> A wrong
    expect(knnAccuracy(neighbours, labels, 4)).toBeCloseTo(2 / 5, 12);
    expect(knnAccuracy(neighbours, labels, 1)).toBeCloseTo(precisionAtOne(neighbours, labels), 12);
  });

  it('leaves queries that are alone in their class out of every metric', () => {
    const withLone = new Int32Array([0, 0, 0, 1, 2]); // items 3 and 4 are alone
    const rows = lists([[1, 3, 2, 4], [3, 0, 2, 4], [4, 3, 1, 0], [0, 1, 2, 4], [0, 1, 2, 3]]);
    expect(recallAtK(rows, withLone, 1)).toBeCloseTo(1 / 3, 12);
    expect(precisionAtOne(rows, withLone)).toBeCloseTo(1 / 3, 12);
    expect(rPrecision(rows, withLone)).toBeCloseTo((1 / 2 + 1 / 2 + 0) / 3, 12);
    // R = 2 for queries 0-2. q0: hit at rank 1 -> 1/2; q1: hit at rank 2 -> (1/2)/2; q2: hits beyond rank 2 -> 0
    expect(meanAveragePrecisionAtR(rows, withLone)).toBeCloseTo((0.5 + 0.25 + 0) / 3, 12);
  });

  it('rejects lists too narrow for R and a bad k', () => {
    const narrow = lists([[1], [0], [0], [4], [3]]);
    expect(() => rPrecision(narrow, labels)).toThrow(/neighbours/);
    expect(() => meanAveragePrecisionAtR(narrow, labels)).toThrow(/neighbours/);
    expect(() => recallAtK(neighbours, labels, 0)).toThrow(/k must/);
    expect(() => knnAccuracy(neighbours, labels, 1.5)).toThrow(/knnK/);
  });
});
