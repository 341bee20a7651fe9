import { versionOfCollection } from '../core/catalog-naming';
import type { VectorStore } from '../core/vector-store';
import { ApiError } from './api-error';

/** A concrete collection and the model version whose embeddings it holds. */
export interface LiveCollection {
  collection: string;
  modelVersion: string;
}

/**
 * Resolves the live alias once. Callers then embed with `modelVersion` and query `collection`
 * by name (never the alias again), so one request sees one consistent model even while the
 * alias moves to a newer version.
 *
 * @example
 * const live = await resolveLiveCollection(store, 'catalog'); // { collection: 'catalog_v000004', modelVersion: 'v000004' }
 */
export async function resolveLiveCollection(store: VectorStore, alias: string): Promise<LiveCollection | undefined> {
  const collection = await storeCall(() => store.resolveAlias(alias));
  if (collection === undefined) return undefined;
  const modelVersion = versionOfCollection(alias, collection);
  if (modelVersion === undefined) throw new ApiError(500, 'bad_live_collection', `live alias ${alias} points at ${collection}, which names no model version`);
  return { collection, modelVersion };
}

/** Like `resolveLiveCollection`, but a 503 while no model has been published. */
export async function requireLiveCollection(store: VectorStore, alias: string): Promise<LiveCollection> {
  const live = await resolveLiveCollection(store, alias);
  if (!live) throw new ApiError(503, 'no_live_model', 'no model version is published yet; retry later', undefined, { 'Retry-After': '10' });
  return live;
}

/** Runs a vector-store call, turning its failures into a retryable 503. */
export async function storeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw new ApiError(503, 'vector_store_unavailable', `vector store unavailable: ${(error as Error).message}`, undefined, { 'Retry-After': '1' });
  }
}
