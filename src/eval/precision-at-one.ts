import type { NeighbourLists } from './neighbour-lists';
import { sameClassCounts } from './same-class-counts';

/**
 * Precision@1: the fraction of queries whose single nearest other item shares their label
 * (equal to Recall@1 by definition; reported under its own name for comparison with papers that
 * use this one). Queries alone in their class are left out.
 *
 * @example
 * precisionAtOne(lists, labels); // 0.75 when 3 of 4 nearest neighbours match
 */
export function precisionAtOne(lists: NeighbourLists, labels: ArrayLike<number>): number {
  if (lists.width < 1) throw new Error('precision@1 needs neighbour lists of width >= 1');
  const relevant = sameClassCounts(labels);
  let queries = 0;
  let hits = 0;
  for (let q = 0; q < lists.count; q++) {
    if (relevant[q] === 0) continue;
    queries++;
    if (labels[lists.indices[q * lists.width]] === labels[q]) hits++;
  }
  return queries === 0 ? 0 : hits / queries;
}
