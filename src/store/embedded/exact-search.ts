import usearch, { type Matches } from 'usearch';
import type { SearchFilter, VectorDistance } from '../../core/vector-store';
import { compileFilter } from './filter-predicate';
import { TopK } from './top-k';
import { scoreFromUsearch, usearchMetric } from './usearch-metric';
import type { VectorTable } from './vector-table';

export interface ScoredSlot {
  slot: number;
  /** Higher is closer: dot product, or negative Euclidean distance. */
  score: number;
}

/**
 * Exact k-nearest-neighbour scan over a table. Cosine collections hold unit vectors, so cosine
 * is the dot product with a unit query. Unfiltered queries run usearch's SIMD brute force on one
 * thread over the table's own memory; filtered ones run a JavaScript scan that checks the filter
 * before touching a vector. `exclude` leaves rows out (recommendation examples).
 *
 * @example
 * const hits = exactSearch(table, unitQuery, 'cosine', 10, { label: 'shoe' });
 */
export function exactSearch(table: VectorTable, query: Float32Array, distance: VectorDistance, k: number, filter?: SearchFilter, exclude?: ReadonlySet<number>): ScoredSlot[] {
  if (table.size === 0) return [];
  const accept = slotPredicate(table, filter, exclude);
  if (accept === undefined) return nativeScan(table, query, distance, Math.min(k, table.size));
  return scriptScan(table, query, distance, k, accept);
}

function nativeScan(table: VectorTable, query: Float32Array, distance: VectorDistance, k: number): ScoredSlot[] {
  const d = table.dimension;
  const matches = usearch.exactSearch(table.vectors.subarray(0, table.size * d), query, d, k, usearchMetric(distance), 1) as Matches;
  const hits: ScoredSlot[] = [];
  for (let i = 0; i < matches.keys.length; i++) {
    hits.push({ slot: Number(matches.keys[i]), score: scoreFromUsearch(distance, matches.distances[i]) });
  }
  return hits.sort((a, b) => b.score - a.score || a.slot - b.slot);
}

/**
 * The JavaScript scan with a top-k heap; `accept`, when given, restricts it to matching rows.
 *
 * @example
 * const hits = scriptScan(table, unitQuery, 'dot', 10, (slot) => table.labels[slot] === 'shoe');
 */
export function scriptScan(table: VectorTable, query: Float32Array, distance: VectorDistance, k: number, accept?: SlotPredicate): ScoredSlot[] {
  const top = new TopK(Math.min(k, Math.max(1, table.size)));
  if (distance === 'euclid') scanNegativeSquaredDistance(table, query, top, accept);
  else scanDot(table, query, top, accept);
  const hits = top.sorted();
  if (distance === 'euclid') for (const hit of hits) hit.score = -Math.sqrt(-hit.score);
  return hits;
}

export type SlotPredicate = ((slot: number) => boolean) | undefined;

/**
 * The filter as a predicate over table rows, leaving out `exclude`; undefined when nothing is filtered.
 *
 * @example
 * const accept = slotPredicate(table, { label: 'shoe' });
 */
export function slotPredicate(table: VectorTable, filter: SearchFilter | undefined, exclude?: ReadonlySet<number>): SlotPredicate {
  const accept = compileFilter(filter);
  if (accept === undefined && (exclude === undefined || exclude.size === 0)) return undefined;
  const { labels, payloads } = table;
  return (slot) => !exclude?.has(slot) && (accept === undefined || accept(labels[slot], payloads[slot].attributes));
}

function scanDot(table: VectorTable, query: Float32Array, top: TopK, accept: SlotPredicate): void {
  const q = Float64Array.from(query);
  const v = table.vectors;
  const d = table.dimension;
  const d8 = d - (d % 8);
  const n = table.size;
  let threshold = top.threshold;
  for (let i = 0, base = 0; i < n; i++, base += d) {
    if (accept !== undefined && !accept(i)) continue;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let j = 0;
    for (; j < d8; j += 8) {
      s0 += q[j] * v[base + j] + q[j + 4] * v[base + j + 4];
      s1 += q[j + 1] * v[base + j + 1] + q[j + 5] * v[base + j + 5];
      s2 += q[j + 2] * v[base + j + 2] + q[j + 6] * v[base + j + 6];
      s3 += q[j + 3] * v[base + j + 3] + q[j + 7] * v[base + j + 7];
    }
    for (; j < d; j++) s0 += q[j] * v[base + j];
    const score = s0 + s1 + s2 + s3;
    if (score > threshold) {
      top.offer(score, i);
      threshold = top.threshold;
    }
  }
}

function scanNegativeSquaredDistance(table: VectorTable, q: Float32Array, top: TopK, accept: SlotPredicate): void {
  const v = table.vectors;
  const d = table.dimension;
  const n = table.size;
  let threshold = top.threshold;
  for (let i = 0, base = 0; i < n; i++, base += d) {
    if (accept !== undefined && !accept(i)) continue;
    let s0 = 0;
    let s1 = 0;
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const a = q[j] - v[base + j];
      const b = q[j + 1] - v[base + j + 1];
      s0 += a * a;
      s1 += b * b;
    }
    if (j < d) {
      const a = q[j] - v[base + j];
      s0 += a * a;
    }
    const score = -(s0 + s1);
    if (score > threshold) {
      top.offer(score, i);
      threshold = top.threshold;
    }
  }
}
