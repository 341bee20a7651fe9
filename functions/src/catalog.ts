import { versionOfCollection } from '../../src/core/catalog-naming';
import type { QueryCatalog, QueryHit, QueryOptions } from '../../src/core/query-catalog';

/**
 * What the edge reads from a catalog service (Qdrant's REST API or a discern service): the
 * collection behind the live alias, a search in a named collection and an item's stored vector.
 */
export interface CollectionReader {
  /** The concrete collection the live alias points at right now. */
  liveCollection(): Promise<string>;
  search(collection: string, vector: Float32Array, options: QueryOptions): Promise<QueryHit[]>;
  /** The stored vector of an item, or undefined when the collection does not hold it. */
  vectorOf(collection: string, id: string): Promise<Float32Array | undefined>;
}

/**
 * The edge's `QueryCatalog` over a `CollectionReader`: the live collection named with its model
 * version, and an item's neighbours found from its stored vector (its page and one more from the
 * top, the item dropped, then paged), as the Node service's recommendation answers them.
 *
 * @example
 * const catalog = readerQueryCatalog(createQdrantReader(url, 'catalog'), 'catalog');
 */
export function readerQueryCatalog(reader: CollectionReader, alias: string): QueryCatalog {
  return {
    async liveCollection() {
      const collection = await reader.liveCollection();
      const modelVersion = versionOfCollection(alias, collection);
      if (!modelVersion) throw new CatalogUnavailableError(`live collection ${collection} names no model version`);
      return { collection, modelVersion };
    },
    search: (collection, vector, options) => reader.search(collection, vector, options),
    async searchLikeItem(collection, itemId, { k, offset = 0, scoreThreshold, filter }) {
      const vector = await reader.vectorOf(collection, itemId);
      if (!vector) return undefined;
      const hits = await reader.search(collection, vector, { k: k + offset + 1, scoreThreshold, filter });
      return hits.filter((hit) => hit.id !== itemId).slice(offset, offset + k);
    },
  };
}

/** The catalog service cannot answer now (unreachable, 5xx, no live alias): 503, retry. */
export class CatalogUnavailableError extends Error {
  override name = 'CatalogUnavailableError';
}

/** The catalog refused the request itself (a 400 upstream): the client's to fix, not to retry. */
export class CatalogRequestError extends Error {
  override name = 'CatalogRequestError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
