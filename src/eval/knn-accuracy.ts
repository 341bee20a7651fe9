import type { NeighbourLists } from './neighbour-lists';
import { sameClassCounts } from './same-class-counts';

/**
 * Leave-one-out k-nearest-neighbour classification accuracy: each query is assigned the label
 * most frequent among its k nearest other items (unweighted majority vote); among tied labels the
 * one that reached the winning count first, scanning from the nearest, wins. Queries alone in their class are
 * left out, as in the retrieval metrics.
 *
 * @example
 * knnAccuracy(lists, labels, 10); // fraction of queries whose 10-NN vote is their own label
 */
export function knnAccuracy(lists: NeighbourLists, labels: ArrayLike<number>, k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`knnK must be a positive integer, got ${k}`);
  const relevant = sameClassCounts(labels);
  const depth = Math.min(k, lists.width);
  const votes = new Map<number, number>();
  let queries = 0;
  let correct = 0;
  for (let q = 0; q < lists.count; q++) {
    if (relevant[q] === 0) continue;
    queries++;
    votes.clear();
    const base = q * lists.width;
    let best = labels[lists.indices[base]];
    let bestVotes = 0;
    for (let i = 0; i < depth; i++) {
      const label = labels[lists.indices[base + i]];
      const count = (votes.get(label) ?? 0) + 1;
      votes.set(label, count);
      // Strictly greater: a later label must beat, not merely equal, the count reached earlier.
      if (count > bestVotes) {
        bestVotes = count;
        best = label;
      }
    }
    if (best === labels[q]) correct++;
  }
  return queries === 0 ? 0 : correct / queries;
}
