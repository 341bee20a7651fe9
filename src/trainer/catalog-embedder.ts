import { setTimeout as sleep } from 'node:timers/promises';
import { VectorStoreError, type VectorPoint, type VectorStore } from '../core/vector-store';
import type { Logger } from '../log/logger';
import type { CatalogItem, CatalogState } from './catalog-state';
import type { VersionEmbedder } from './publisher';

/** An item the store would not take, and why. */
export interface RefusedItem {
  id: string;
  reason: string;
}

export interface EmbedIntoResult {
  /** Points written. */
  written: number;
  /** Items left out: a non-finite embedding, or a point the store refused as invalid. */
  refused: RefusedItem[];
}

export interface CatalogEmbedderOptions {
  vectorStore: VectorStore;
  runtime: VersionEmbedder;
  /** Rows per embedding call and per upsert (default 512). */
  batchSize?: number;
  /** Waits between attempts while the store is unavailable (default 0.5, 1, 2, 4, 8, 8 s; then the error is thrown). */
  unavailableRetryDelaysMs?: number[];
  log: Logger;
}

const DEFAULT_RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 8000];

/**
 * Embeds catalog items with one model version and writes them into a collection, chunk by
 * chunk (pack inputs → embed → one point per row → upsert). One bad point never sinks the
 * rest: an item whose embedding is not finite is left out, and when the store refuses a batch
 * as invalid, its points are retried one by one so that only the refused ones are left out,
 * each with the store's reason. A store that is unavailable is waited for and retried, never
 * taken for a verdict on the points.
 *
 * @example
 * const embedder = createCatalogEmbedder({ vectorStore, runtime, log });
 * const { written, refused } = await embedder.embedInto('v000003', 'catalog_v000003', catalog, catalog.embeddable());
 */
export function createCatalogEmbedder(options: CatalogEmbedderOptions) {
  const { vectorStore, runtime, log } = options;
  const batchSize = options.batchSize ?? 512;
  const retryDelays = options.unavailableRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;

  /** Runs a store call, waiting out unavailability; refusals and other errors are thrown at once. */
  async function whileAvailable<T>(what: string, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const unavailable = !(error instanceof VectorStoreError) || error.code === 'unavailable';
        if (!unavailable || attempt >= retryDelays.length) throw error;
        log.warn({ err: error, attempt: attempt + 1, retryInMs: retryDelays[attempt] }, `vector store unavailable during ${what}; retrying`);
        await sleep(retryDelays[attempt]);
      }
    }
  }

  const isRefusal = (error: unknown): error is VectorStoreError => error instanceof VectorStoreError && error.code === 'invalid_argument';

  /** Upserts `points`; on a refusal, point by point, returning the refused ones. */
  async function upsertIsolating(collection: string, points: VectorPoint[]): Promise<RefusedItem[]> {
    try {
      await whileAvailable('upsert', () => vectorStore.upsert(collection, points));
      return [];
    } catch (error) {
      if (!isRefusal(error)) throw error;
      if (points.length === 1) return [{ id: points[0].id, reason: `vector store refused the item: ${error.message}` }];
    }
    const refused: RefusedItem[] = [];
    for (const point of points) refused.push(...(await upsertIsolating(collection, [point])));
    return refused;
  }

  return {
    /**
     * Embeds `items` with `version` and upserts them into `collection`; `onChunk` is told the
     * number of items done after each chunk (for progress).
     */
    async embedInto(
      version: string,
      collection: string,
      catalog: Pick<CatalogState, 'inputSize' | 'inputShape' | 'payloadOf'>,
      items: Iterable<CatalogItem & { input: Float32Array }>,
      onChunk?: (items: number) => void,
    ): Promise<EmbedIntoResult> {
      const all = [...items];
      const rowSize = catalog.inputSize;
      const refused: RefusedItem[] = [];
      let written = 0;
      for (let start = 0; start < all.length; start += batchSize) {
        const chunk = all.slice(start, start + batchSize);
        const data = new Float32Array(chunk.length * rowSize);
        chunk.forEach((item, i) => data.set(item.input, i * rowSize));
        const vectors = await runtime.embed(version, data, [chunk.length, ...catalog.inputShape]);
        const dim = vectors.length / chunk.length;
        const points: VectorPoint[] = [];
        chunk.forEach((item, i) => {
          const vector = vectors.slice(i * dim, (i + 1) * dim);
          if (vector.every(Number.isFinite)) points.push({ id: item.id, vector, payload: catalog.payloadOf(item) });
          else refused.push({ id: item.id, reason: 'vector: the embedding of this input is not finite' });
        });
        if (points.length > 0) {
          const refusedHere = await upsertIsolating(collection, points);
          refused.push(...refusedHere);
          written += points.length - refusedHere.length;
        }
        onChunk?.(chunk.length);
      }
      return { written, refused };
    },

    /** Deletes `ids` from `collection`, waiting out unavailability. */
    async remove(collection: string, ids: string[]): Promise<void> {
      if (ids.length > 0) await whileAvailable('delete', () => vectorStore.delete(collection, ids));
    },
  };
}

export type CatalogEmbedder = ReturnType<typeof createCatalogEmbedder>;
