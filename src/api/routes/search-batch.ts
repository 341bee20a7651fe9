import type { BatchSearchQuery } from '../../core/vector-store';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { embedQuery } from '../query/embed-query';
import { requireLiveCollection, storeCall } from '../live-collection';
import { queryCall } from '../query-call';
import { queryHit } from '../vector-store-query-catalog';
import { SearchBatchRequestSchema, SearchBatchResponseSchema, type SearchBatchRequest } from '../request-schemas';
import { liveQueryRoute } from './live-query-route';

type OneSearch = SearchBatchRequest['searches'][number];

/**
 * `POST /v1/search/batch`: `{ searches: [...] }`, each shaped like a `POST /v1/search` body, all
 * answered with one model version in one call to the vector store (Qdrant's query batch).
 *
 * @example
 * registerSearchBatchRoute(app, context);
 * // POST /v1/search/batch { "searches": [{ "itemId": "shoe-1", "k": 5 }, { "vector": [...], "k": 5, "offset": 5 }] }
 */
export function registerSearchBatchRoute(app: DiscernApp, ctx: RouteContext): void {
  const { vectorStore, models, decoder, config, liveAlias } = ctx;
  app.openapi(
    liveQueryRoute({
      path: '/v1/search/batch',
      operationId: 'searchBatch',
      summary: 'Several searches in one request, answered with one model version',
      answers: 'One result list per search, in request order',
      request: SearchBatchRequestSchema,
      response: SearchBatchResponseSchema,
      maxBodyBytes: config.api.maxBodyBytes,
    }),
    async (c) => {
      const { searches } = c.req.valid('json');
      const live = await requireLiveCollection(vectorStore, liveAlias);
      const queries: BatchSearchQuery[] = [];
      for (const [i, search] of searches.entries()) queries.push(await storeQuery(search, i));
      const answers = await queryCall(() => vectorStore.searchBatch(live.collection, queries), { queries: 'searches' });
      const results = answers.map((hits, i) => {
        const { itemId, k, offset = 0 } = searches[i];
        // An item query asked for its page and one more from the top: drop the item, then page.
        const page = itemId === undefined ? hits : hits.filter((hit) => hit.id !== itemId).slice(offset, offset + k);
        return { results: page.map(queryHit) };
      });
      return c.json({ modelVersion: live.modelVersion, searches: results }, 200);

      async function storeQuery(search: OneSearch, i: number): Promise<BatchSearchQuery> {
        const { itemId, k, offset, scoreThreshold, filter, ...content } = search;
        if (itemId === undefined) {
          const vector = await withPathPrefix(`searches.${i}`, () => embedQuery({ models, decoder }, live.modelVersion, content));
          return { vector, k, offset, scoreThreshold, filter };
        }
        const point = await storeCall(() => vectorStore.get(live.collection, itemId));
        if (!point) {
          const path = `searches.${i}.itemId`;
          throw new ApiError(404, 'item_not_found', `${path}: no item ${itemId} in live collection ${live.collection}`, [{ path, message: 'unknown item id' }]);
        }
        return { vector: point.vector, k: k + (offset ?? 0) + 1, scoreThreshold, filter };
      }
    },
  );
}

/** Re-raises a request error with its field paths placed under `prefix`. */
async function withPathPrefix<T>(prefix: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 400) throw error;
    const issues = error.issues?.map((issue) => ({ ...issue, path: `${prefix}.${issue.path}` }));
    throw new ApiError(error.status, error.code, `${prefix}.${error.message}`, issues, error.headers);
  }
}
