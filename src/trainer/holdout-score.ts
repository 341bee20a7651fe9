import { l2NormalizeRows } from '../eval/embedding-distance';
import { evaluateEmbeddings } from '../eval/evaluate-embeddings';
import { sameClassCounts } from '../eval/same-class-counts';
import type { HeldOutSet } from './publisher';

/**
 * How well embeddings of the held-out rows agree with held-out feedback, as flat metrics:
 * - `heldOutItems` / `heldOutQueries`: labelled rows, and those with a class mate among them;
 *   with queries, the retrieval metrics of `evaluateEmbeddings` (`mapAtR`, `recallAt1`, …,
 *   `mapAtR.class<N>`), each held-out item querying the other held-out items (the gallery is
 *   the holdout itself, so no trained-on item can answer a query);
 * - `heldOutPairs` / `pairAuc`: the probability that a similar pair is closer (cosine) than a
 *   dissimilar one, ties counting half (threshold-free; present when both kinds exist);
 * - `heldOutTriplets` / `tripletAgreement`: the fraction of triplets with d(a, p) < d(a, n).
 *
 * @example
 * const score = await scoreHoldout(embeddings, 64, set);
 * score.mapAtR; // 0.41
 */
export async function scoreHoldout(embeddings: Float32Array, dim: number, set: HeldOutSet): Promise<Record<string, number>> {
  return (await scoreHoldoutQueries(embeddings, dim, set)).metrics;
}

/**
 * `scoreHoldout`'s metrics, and each labelled row's average precision at R (NaN for a row alone
 * in its class; empty without queries) from the same neighbour search, for paired comparisons
 * of two versions (`pairedStdErr`) without searching again.
 *
 * @example
 * const { metrics, averagePrecisions } = await scoreHoldoutQueries(embeddings, 64, set);
 */
export async function scoreHoldoutQueries(embeddings: Float32Array, dim: number, set: HeldOutSet): Promise<{ metrics: Record<string, number>; averagePrecisions: Float64Array }> {
  const unit = l2NormalizeRows(sanitize(embeddings), dim);
  const cosine = (i: number, j: number) => {
    let dot = 0;
    for (let k = 0; k < dim; k++) dot += unit[i * dim + k] * unit[j * dim + k];
    return dot;
  };
  const labels = set.labels;
  const queries = sameClassCounts(labels).reduce((n, r) => n + (r > 0 ? 1 : 0), 0);
  const out: Record<string, number> = { heldOutItems: labels.length, heldOutQueries: queries };
  let averagePrecisions: Float64Array = new Float64Array(0);
  if (queries > 0) {
    const { mapAtRByClass, averagePrecisions: perQuery, ...overall } = await evaluateEmbeddings(unit.subarray(0, labels.length * dim), dim, labels, { perQuery: true });
    averagePrecisions = perQuery!;
    Object.assign(out, overall);
    for (const [label, value] of Object.entries(mapAtRByClass)) out[`mapAtR.class${label}`] = value;
  }
  const pairs = set.pairs;
  if (pairs && pairs.a.length > 0) {
    const similar: number[] = [];
    const dissimilar: number[] = [];
    for (let i = 0; i < pairs.a.length; i++) (pairs.similar[i] ? similar : dissimilar).push(cosine(pairs.a[i], pairs.b[i]));
    out.heldOutPairs = pairs.a.length;
    if (similar.length > 0 && dissimilar.length > 0) out.pairAuc = rankAuc(similar, dissimilar);
  }
  const triplets = set.triplets;
  if (triplets && triplets.anchor.length > 0) {
    let agreed = 0;
    for (let i = 0; i < triplets.anchor.length; i++) {
      if (cosine(triplets.anchor[i], triplets.positive[i]) > cosine(triplets.anchor[i], triplets.negative[i])) agreed++;
    }
    out.heldOutTriplets = triplets.anchor.length;
    out.tripletAgreement = agreed / triplets.anchor.length;
  }
  return { metrics: out, averagePrecisions };
}

/** P(a similar pair's cosine > a dissimilar pair's), ties counting half (Mann–Whitney U / (m·n)). */
function rankAuc(similar: number[], dissimilar: number[]): number {
  const sorted = Float64Array.from(dissimilar).sort();
  let wins = 0;
  for (const s of similar) wins += lowerBound(sorted, s) + (upperBound(sorted, s) - lowerBound(sorted, s)) / 2;
  return wins / (similar.length * dissimilar.length);
}

function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A model that outputs NaN scores as badly as it is: such rows become zero vectors (far from everything). */
function sanitize(embeddings: Float32Array): Float32Array {
  return embeddings.every(Number.isFinite) ? embeddings : embeddings.map((v) => (Number.isFinite(v) ? v : 0));
}
