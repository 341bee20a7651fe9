import type { NeighbourLists } from './neighbour-lists';
import { sameClassCounts } from './same-class-counts';

/**
 * R-precision: for a query with R other items of its class, the fraction of its R nearest
 * neighbours that share its label, averaged over queries (Musgrave et al., 2020). Queries alone
 * in their class are left out. Lists must be at least as wide as the largest R.
 *
 * @example
 * // labels [0,0,0,1]: query 0 (R=2) with nearest [3, 1, ...] scores 1/2
 * rPrecision(lists, labels);
 */
export function rPrecision(lists: NeighbourLists, labels: ArrayLike<number>): number {
  const relevant = sameClassCounts(labels);
  let queries = 0;
  let total = 0;
  for (let q = 0; q < lists.count; q++) {
    const r = relevant[q];
    if (r === 0) continue;
    if (r > lists.width) throw new Error(`R-precision needs ${r} neighbours for query ${q}, lists have ${lists.width}`);
    queries++;
    const base = q * lists.width;
    let hits = 0;
    for (let i = 0; i < r; i++) if (labels[lists.indices[base + i]] === labels[q]) hits++;
    total += hits / r;
  }
  return queries === 0 ? 0 : total / queries;
}
