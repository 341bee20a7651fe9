import type { DiscernApp, RouteContext } from '../app-context';
import { requireLiveCollection } from '../live-collection';
import { queryCall } from '../query-call';
import { queryHit } from '../vector-store-query-catalog';
import { RecommendRequestSchema, SearchResponseSchema } from '../request-schemas';
import { liveQueryRoute } from './live-query-route';

/**
 * `POST /v1/recommend`: items like the `positive` examples and unlike the `negative` ones in the
 * live collection, by Qdrant's `average_vector` strategy (the Qdrant store runs Qdrant's own
 * recommend query; the embedded store computes the same).
 *
 * @example
 * registerRecommendRoute(app, context);
 * // POST /v1/recommend { "positive": ["shoe-1", "shoe-7"], "negative": ["boot-3"], "k": 10, "filter": { "attributes": { "price": { "lt": 80 } } } }
 */
export function registerRecommendRoute(app: DiscernApp, ctx: RouteContext): void {
  const { vectorStore, config, liveAlias } = ctx;
  app.openapi(
    liveQueryRoute({
      path: '/v1/recommend',
      operationId: 'recommend',
      summary: 'Items like the positive examples and unlike the negative ones',
      answers: 'Recommended items, best first; the examples are left out',
      request: RecommendRequestSchema,
      response: SearchResponseSchema,
      maxBodyBytes: config.api.maxBodyBytes,
    }),
    async (c) => {
      const query = c.req.valid('json');
      const live = await requireLiveCollection(vectorStore, liveAlias);
      const hits = await queryCall(() => vectorStore.recommend(live.collection, query));
      return c.json({ modelVersion: live.modelVersion, results: hits.map(queryHit) }, 200);
    },
  );
}
