import type { SearchHit, VectorStore } from '../../src/core/vector-store';
import { percentile } from '../common/json-poster';
import { round } from '../common/results-table';

export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
}

/** Store-level figures of one collection, measured in process, one query at a time. */
export interface StoreFigures {
  /** Share of the exact top 10 the store returned, over every query. */
  recallAt10: number;
  search: LatencyFigures;
  /** With a label filter. */
  filteredSearch: LatencyFigures;
  /** One batch of `batchSize` searches, per batch. */
  batchSearch: LatencyFigures & { batchSize: number };
  /** Recommendation from two positive and one negative example. */
  recommend: LatencyFigures;
}

async function latencies(n: number, run: (i: number) => Promise<unknown>): Promise<LatencyFigures> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: round(percentile(times, 0.5), 3), p99Ms: round(percentile(times, 0.99), 3) };
}

/**
 * Recall@10 against `exact`, then p50/p99 latencies of plain, filtered and batched searches and
 * of recommendations on one collection of a store.
 *
 * @example
 * const figures = await measureStore(store, 'catalog_v000001', queries, (q) => exactIds(q), ids, 'Sneaker');
 */
export async function measureStore(
  store: VectorStore,
  collection: string,
  queries: Float32Array[],
  exactTop10: (query: Float32Array) => Set<string>,
  itemIds: string[],
  label: string,
): Promise<StoreFigures> {
  let found = 0;
  for (const query of queries) {
    const exact = exactTop10(query);
    const hits: SearchHit[] = await store.search(collection, query, { k: 10 });
    found += hits.filter((h) => exact.has(h.id)).length;
  }
  const at = (i: number) => queries[i % queries.length];
  const batchSize = 10;
  const example = (i: number) => itemIds[(i * 7919) % itemIds.length];
  return {
    recallAt10: round(found / (queries.length * 10), 4),
    search: await latencies(queries.length, (i) => store.search(collection, at(i), { k: 10 })),
    filteredSearch: await latencies(Math.min(100, queries.length), (i) => store.search(collection, at(i), { k: 10, filter: { label } })),
    batchSearch: {
      ...(await latencies(Math.max(5, Math.floor(queries.length / batchSize)), (i) =>
        store.searchBatch(collection, Array.from({ length: batchSize }, (_, j) => ({ vector: at(i * batchSize + j), k: 10 }))),
      )),
      batchSize,
    },
    recommend: await latencies(Math.min(100, queries.length), (i) => store.recommend(collection, { positive: [example(i), example(i + 1)], negative: [example(i + 2)], k: 10 })),
  };
}
