import { setTimeout as sleep } from 'node:timers/promises';
import { VectorStoreError, type VectorPoint, type VectorStore } from '../core/vector-store';
import type { Logger } from '../log/logger';
import type { RefusedRow } from './catalog-embedder';

/** Waits between attempts while the store is unavailable: 0.5, 1, 2, 4, 8, 8 s, then the error is thrown. */
const DEFAULT_UNAVAILABLE_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000];

/**
 * Vector store calls for catalog embedding that tell unavailability from refusal: a store that
 * is unavailable is waited for and retried, never taken for a verdict on the points; when the
 * store refuses a batch as invalid, its points are retried one by one so that only the refused
 * ones are left out, each with the store's reason.
 *
 * @example
 * const calls = storeCalls(vectorStore, log);
 * const refused = await calls.upsertIsolating('catalog_v000003', points);
 */
export function storeCalls(vectorStore: VectorStore, log: Logger, retryDelaysMs: number[] = DEFAULT_UNAVAILABLE_RETRY_DELAYS_MS) {
  /** Runs a store call, waiting out unavailability; refusals and other store errors are thrown at once. */
  async function whileAvailable<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const unavailable = !(error instanceof VectorStoreError) || error.code === 'unavailable';
        if (!unavailable || attempt >= retryDelaysMs.length) throw error;
        log.warn({ err: error, attempt: attempt + 1, retryInMs: retryDelaysMs[attempt] }, `vector store unavailable during ${what}; retrying`);
        await sleep(retryDelaysMs[attempt]);
      }
    }
  }

  const isRefusal = (error: unknown): error is VectorStoreError => error instanceof VectorStoreError && error.code === 'invalid_argument';

  /** Upserts `points`; on a refusal, point by point, returning the refused ones. */
  async function upsertIsolating(collection: string, points: VectorPoint[]): Promise<RefusedRow[]> {
    try {
      await whileAvailable('upsert', () => vectorStore.upsert(collection, points));
      return [];
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (points.length === 1) return [{ id: points[0].id, reason: `vector store refused the item: ${error.message}` }];
    }
    const refused: RefusedRow[] = [];
    for (const point of points) refused.push(...(await upsertIsolating(collection, [point])));
    return refused;
  }

  return { whileAvailable, upsertIsolating };
}
