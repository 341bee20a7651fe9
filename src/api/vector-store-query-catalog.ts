import type { QueryCatalog, QueryHit } from '../core/query-catalog';
import { VectorStoreError, type SearchHit, type VectorStore } from '../core/vector-store';
import { resolveLiveCollection } from './live-collection';
import { queryCall } from './query-call';

/**
 * The Node service's `QueryCatalog`: its own `VectorStore` (embedded or Qdrant). An item's
 * neighbours are a one-example recommendation, so the store leaves the item out itself. Store
 * failures become the API's errors here (400 naming the request field, 503 while the store is
 * away).
 *
 * @example
 * const catalog = vectorStoreQueryCatalog(vectorStore, 'catalog');
 * const live = await catalog.liveCollection();
 */
export function vectorStoreQueryCatalog(store: VectorStore, liveAlias: string): QueryCatalog {
  return {
    alias: liveAlias,
    liveCollection: () => resolveLiveCollection(store, liveAlias),
    async collection(name) {
      const found = (await queryCall(() => store.listCollections())).find((c) => c.name === name);
      return found && { name: found.name, distance: found.distance, dimension: found.dimension, count: found.count };
    },
    async point(collection, id) {
      const point = await queryCall(() => store.get(collection, id));
      return point && { id: point.id, vector: Array.from(point.vector), payload: point.payload };
    },
    async search(collection, vector, options) {
      return (await queryCall(() => store.search(collection, vector, options))).map(queryHit);
    },
    async searchLikeItem(collection, itemId, options) {
      const recommend = store.recommend(collection, { positive: [itemId], ...options }).catch((error: unknown) => {
        if (error instanceof VectorStoreError && error.code === 'not_found' && error.field === 'positive[0]') return undefined;
        throw error;
      });
      return (await queryCall(() => recommend, { 'positive.0': 'itemId' }))?.map(queryHit);
    },
  };
}

/** A store hit as a query answers it: id, score and label. */
export function queryHit(hit: SearchHit): QueryHit {
  return { id: hit.id, score: hit.score, label: hit.payload.label };
}
