import type { NeighbourLists } from './neighbour-lists';
import { sameClassCounts } from './same-class-counts';

/**
 * MAP@R (Musgrave et al., 2020, "A Metric Learning Reality Check"): for a query with R other
 * items of its class, `(1/R) · Σ_{i=1..R} P(i)·rel(i)` over its R nearest neighbours, where
 * `P(i)` is the precision of the first i neighbours and `rel(i)` is 1 when neighbour i shares the
 * label. Unlike R-precision it rewards ranking the correct items first. Averaged over queries;
 * queries alone in their class are left out. Lists must be at least as wide as the largest R.
 *
 * @example
 * // R = 3, relevance of the 3 nearest [1, 0, 1]: (1/1 + 2/3) / 3 = 0.5556
 * meanAveragePrecisionAtR(lists, labels);
 */
export function meanAveragePrecisionAtR(lists: NeighbourLists, labels: ArrayLike<number>): number {
  const relevant = sameClassCounts(labels);
  let queries = 0;
  let total = 0;
  for (let q = 0; q < lists.count; q++) {
    const r = relevant[q];
    if (r === 0) continue;
    if (r > lists.width) throw new Error(`MAP@R needs ${r} neighbours for query ${q}, lists have ${lists.width}`);
    queries++;
    const base = q * lists.width;
    let hits = 0;
    let sum = 0;
    for (let i = 0; i < r; i++) {
      if (labels[lists.indices[base + i]] === labels[q]) {
        hits++;
        sum += hits / (i + 1);
      }
    }
    total += sum / r;
  }
  return queries === 0 ? 0 : total / queries;
}
