import { averagePrecisionsAtR } from '../eval/map-at-r';
import { findNeighbourLists } from '../eval/neighbour-lists';
import { sameClassCounts } from '../eval/same-class-counts';

/**
 * The standard error of the difference in MAP@R between two embeddings of the same held-out
 * items: the spread of the per-query differences of average precision at R, over √queries.
 * Both versions answer the same queries, so the comparison is paired and what the two have in
 * common (hard queries, easy queries) cancels out; what remains says how far apart two equally
 * good versions may score on this holdout by chance. Undefined with fewer than 2 queries.
 *
 * @example
 * const se = await pairedMapAtRStdErr(candidateVectors, 64, liveVectors, 64, labels);
 * se; // 0.012: a gap of 0.03 is 2.5 standard errors
 */
export async function pairedMapAtRStdErr(a: Float32Array, dimA: number, b: Float32Array, dimB: number, labels: Int32Array): Promise<number | undefined> {
  const relevant = sameClassCounts(labels);
  const width = Math.min(labels.length - 1, Math.max(1, ...relevant));
  if (width < 1) return undefined;
  const n = labels.length;
  const apOf = async (vectors: Float32Array, dim: number) =>
    averagePrecisionsAtR(await findNeighbourLists(finite(vectors.subarray(0, n * dim)), dim, width, { distance: 'cosine' }), labels);
  return pairedStdErr(await apOf(a, dimA), await apOf(b, dimB));
}

/**
 * The same standard error from each version's per-query average precisions at R (NaN for a
 * query alone in its class), when they were computed already (`scoreHoldoutQueries`).
 *
 * @example
 * pairedStdErr(candidate.averagePrecisions, live.averagePrecisions); // 0.012
 */
export function pairedStdErr(first: Float64Array, second: Float64Array): number | undefined {
  if (first.length !== second.length) throw new Error(`second: expected ${first.length} queries, got ${second.length}`);
  const diffs: number[] = [];
  for (let q = 0; q < first.length; q++) if (!Number.isNaN(first[q]) && !Number.isNaN(second[q])) diffs.push(first[q] - second[q]);
  if (diffs.length < 2) return undefined;
  const mean = diffs.reduce((s, d) => s + d, 0) / diffs.length;
  const variance = diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / (diffs.length - 1);
  return Math.sqrt(variance / diffs.length);
}

/** Non-finite values become 0, as the holdout score treats them (such rows are far from everything). */
function finite(vectors: Float32Array): Float32Array {
  return vectors.every(Number.isFinite) ? vectors : vectors.map((v) => (Number.isFinite(v) ? v : 0));
}
