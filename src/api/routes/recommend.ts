import { createRoute } from '@hono/zod-openapi';
import type { DiscernApp, RouteContext } from '../app-context';
import { requireLiveCollection } from '../live-collection';
import { jsonBody } from '../middleware/json-body';
import { queryCall } from '../query-call';
import { RecommendRequestSchema, SearchResponseSchema } from '../request-schemas';
import { errorResponses } from './responses';

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
    createRoute({
      method: 'post',
      path: '/v1/recommend',
      operationId: 'recommend',
      tags: ['search'],
      summary: 'Items like the positive examples and unlike the negative ones',
      middleware: jsonBody({ maxBytes: config.api.maxBodyBytes }),
      request: { body: { required: true, content: { 'application/json': { schema: RecommendRequestSchema } } } },
      responses: {
        200: { description: 'Recommended items, best first; the examples are left out', content: { 'application/json': { schema: SearchResponseSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.tooLarge,
        ...errorResponses.mediaType,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const query = c.req.valid('json');
      const live = await requireLiveCollection(vectorStore, liveAlias);
      const hits = await queryCall(() => vectorStore.recommend(live.collection, query));
      return c.json({ modelVersion: live.modelVersion, results: hits.map((hit) => ({ id: hit.id, score: hit.score, label: hit.payload.label })) }, 200);
    },
  );
}
