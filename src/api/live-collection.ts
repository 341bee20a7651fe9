import { versionOfCollection } from '../core/catalog-naming';
import type { LiveCollection } from '../core/query-catalog';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { ApiError, fieldError } from './api-error';
import { noLiveModel } from './query/no-live-model';

export type { LiveCollection };

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
  if (!live) throw noLiveModel();
  return live;
}

export interface StoreCallOptions {
  /**
   * Store argument → request field, for the arguments taken from the request as they are
   * (e.g. `{ filter: 'filter', k: 'k' }`). The store refusing one of them is the client's
   * mistake (400 naming the request field); refusing any other argument is the service's own
   * (500).
   */
  fields?: Record<string, string>;
  /** The answer when the store reports the collection missing (default: 503, retry). */
  notFound?: () => ApiError;
}

/**
 * Runs a vector-store call and maps its failures: an invalid argument that came from the
 * request → 400 naming the field, a missing collection → `notFound`, anything else → 503 with
 * `Retry-After` (the store is unavailable, so a retry can succeed).
 *
 * @example
 * await storeCall(() => store.search(collection, query, { k, filter }), { fields: { filter: 'filter', k: 'k' } });
 */
export async function storeCall<T>(call: () => Promise<T>, options: StoreCallOptions = {}): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof VectorStoreError && error.code === 'invalid_argument') {
      const field = requestField(error.field, options.fields ?? {});
      if (field === undefined) throw error;
      const prefix = `${error.field}: `;
      throw fieldError(field, error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message);
    }
    if (error instanceof VectorStoreError && error.code === 'not_found' && options.notFound) throw options.notFound();
    throw new ApiError(503, 'vector_store_unavailable', `vector store unavailable: ${(error as Error).message}`, undefined, { 'Retry-After': '1' });
  }
}

/** `filter.attributes.x` with `{ filter: 'filter' }` → `filter.attributes.x`; `vector[3]` → `vector.3`. */
function requestField(storeField: string | undefined, fields: Record<string, string>): string | undefined {
  if (storeField === undefined) return undefined;
  for (const [argument, field] of Object.entries(fields)) {
    if (storeField === argument) return field;
    if (storeField.startsWith(`${argument}.`)) return `${field}${storeField.slice(argument.length)}`;
    // Only the argument's own index is rewritten: attribute names may contain brackets.
    const index = /^\[(\d+)\]/.exec(storeField.slice(argument.length));
    if (storeField.startsWith(argument) && index) return `${field}.${index[1]}${storeField.slice(argument.length + index[0].length)}`;
  }
  return undefined;
}
