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
  const precisions = averagePrecisionsAtR(lists, labels);
  let queries = 0;
  let total = 0;
  for (const p of precisions) {
    if (Number.isNaN(p)) continue;
    queries++;
    total += p;
  }
  return queries === 0 ? 0 : total / queries;
}

/**
 * MAP@R of each class's queries: where the embedding fails, class by class. Classes whose items
 * are all alone (no query) are left out. Keys are the labels.
 *
 * @example
 * mapAtRByClass(lists, labels); // { 5: 0.05, 7: 0.58, ... }
 */
export function mapAtRByClass(lists: NeighbourLists, labels: ArrayLike<number>): Record<number, number> {
  const precisions = averagePrecisionsAtR(lists, labels);
  const sums = new Map<number, { total: number; queries: number }>();
  for (let q = 0; q < precisions.length; q++) {
    if (Number.isNaN(precisions[q])) continue;
    const entry = sums.get(labels[q]) ?? { total: 0, queries: 0 };
    entry.total += precisions[q];
    entry.queries++;
    sums.set(labels[q], entry);
  }
  const byClass: Record<number, number> = {};
  for (const label of [...sums.keys()].sort((a, b) => a - b)) byClass[label] = sums.get(label)!.total / sums.get(label)!.queries;
  return byClass;
}

/**
 * Each query's average precision at R; NaN for queries alone in their class. Their mean over
 * the other queries is MAP@R.
 *
 * @example
 * averagePrecisionsAtR(lists, labels); // Float64Array [1, 0.5, NaN, …]
 */
export function averagePrecisionsAtR(lists: NeighbourLists, labels: ArrayLike<number>): Float64Array {
  const relevant = sameClassCounts(labels);
  const precisions = new Float64Array(lists.count);
  for (let q = 0; q < lists.count; q++) {
    const r = relevant[q];
    if (r === 0) {
      precisions[q] = Number.NaN;
      continue;
    }
    if (r > lists.width) throw new Error(`MAP@R needs ${r} neighbours for query ${q}, lists have ${lists.width}`);
    const base = q * lists.width;
    let hits = 0;
    let sum = 0;
    for (let i = 0; i < r; i++) {
      if (labels[lists.indices[base + i]] === labels[q]) {
        hits++;
        sum += hits / (i + 1);
      }
    }
    precisions[q] = sum / r;
  }
  return precisions;
}
