import type { NeighbourLists } from './neighbour-lists';
import { sameClassCounts } from './same-class-counts';

/**
 * Recall@K as used in deep metric learning papers: the fraction of queries for which at least one
 * of the K nearest other items shares the query's label. Queries alone in their class are left out.
 *
 * @example
 * // query 0's nearest are [2, 1]; labels [0, 0, 1]: miss at K=1, hit at K=2
 * recallAtK(lists, new Int32Array([0, 0, 1]), 2);
 */
export function recallAtK(lists: NeighbourLists, labels: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const relevant = sameClassCounts(labels);
  const depth = Math.min(k, lists.width);
  let queries = 0;
  let hits = 0;
  for (let q = 0; q < lists.count; q++) {
    if (relevant[q] === 0) continue;
    queries++;
    const base = q * lists.width;
    for (let i = 0; i < depth; i++) {
      if (labels[lists.indices[base + i]] === labels[q]) {
        hits++;
        break;
      }
    }
  }
  return queries === 0 ? 0 : hits / queries;
}
