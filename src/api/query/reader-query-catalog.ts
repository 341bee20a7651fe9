import { versionOfCollection } from '../../core/catalog-naming';
import { CatalogUnavailableError, type CollectionReader, type QueryCatalog } from '../../core/query-catalog';

/**
 * A `QueryCatalog` over a remote `CollectionReader`: the live collection named with its model
 * version, and an item's neighbours found from its stored vector (its page and one more from
 * the top, the item dropped, then paged), as the Node service's recommendation answers them.
 *
 * @example
 * const catalog = readerQueryCatalog(createQdrantRestReader({ url, alias: 'catalog' }), 'catalog');
 */
export function readerQueryCatalog(reader: CollectionReader, alias: string): QueryCatalog {
  return {
    alias,
    async liveCollection() {
      const collection = await reader.liveCollection();
      const modelVersion = versionOfCollection(alias, collection);
      if (!modelVersion) throw new CatalogUnavailableError(`live collection ${collection} names no model version`);
      return { collection, modelVersion };
    },
    collection: (name) => reader.collection(name),
    point: (collection, id) => reader.point(collection, id),
    search: (collection, vector, options) => reader.search(collection, vector, options),
    async searchLikeItem(collection, itemId, { k, offset = 0, scoreThreshold, filter }) {
      const vector = await reader.vectorOf(collection, itemId);
      if (!vector) return undefined;
      const hits = await reader.search(collection, vector, { k: k + offset + 1, scoreThreshold, filter });
      return hits.filter((hit) => hit.id !== itemId).slice(offset, offset + k);
    },
  };
}
