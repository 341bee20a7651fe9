import { createRoute } from '@hono/zod-openapi';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { embedQuery } from '../embed-query';
import { requireLiveCollection, storeCall } from '../live-collection';
import { jsonBody } from '../middleware/json-body';
import { computeRateLimit } from '../middleware/rate-limit';
import { assertQueryPixels } from '../query-pixels';
import { EmbedRequestSchema, EmbedResponseSchema, SearchRequestSchema, SearchResponseSchema } from '../request-schemas';
import { errorResponses } from './responses';

/**
 * `POST /v1/embed` and `POST /v1/search`. Each request resolves the live alias once and then
 * embeds with that model version and searches that collection by name. Both share one
 * per-client rate limit and a cap on the pixels of a query.
 *
 * @example
 * registerSearchRoutes(app, context);
 */
export function registerSearchRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { vectorStore, models, config, liveAlias } = ctx;
  const { maxQueryPixels, rateLimitPerSecond, rateLimitBurst } = config.compute;
  const rateLimit = computeRateLimit({ perSecond: rateLimitPerSecond, burst: rateLimitBurst, keys: [config.apiKey, config.readApiKey] });
  const middleware = [rateLimit, ...jsonBody({ maxBytes: config.api.maxBodyBytes })];

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/embed',
      operationId: 'embed',
      tags: ['search'],
      summary: 'Embed one image, pixel grid or feature vector with the live model',
      middleware,
      request: { body: { required: true, content: { 'application/json': { schema: EmbedRequestSchema } } } },
      responses: {
        200: { description: 'The embedding and the model version that computed it', content: { 'application/json': { schema: EmbedResponseSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.tooLarge,
        ...errorResponses.mediaType,
        ...errorResponses.rateLimited,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const request = c.req.valid('json');
      await assertQueryPixels(request, maxQueryPixels);
      const live = await requireLiveCollection(vectorStore, liveAlias);
      const embedding = await embedQuery(models, live.modelVersion, request);
      return c.json({ modelVersion: live.modelVersion, embedding: Array.from(embedding) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/search',
      operationId: 'search',
      tags: ['search'],
      summary: 'Nearest items to an indexed item, an image, a pixel grid or a feature vector',
      middleware,
      request: { body: { required: true, content: { 'application/json': { schema: SearchRequestSchema } } } },
      responses: {
        200: { description: 'Nearest items, closest first', content: { 'application/json': { schema: SearchResponseSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.tooLarge,
        ...errorResponses.mediaType,
        ...errorResponses.rateLimited,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { itemId, k, filter, ...content } = c.req.valid('json');
      await assertQueryPixels(content, maxQueryPixels);
      const live = await requireLiveCollection(vectorStore, liveAlias);
      let query: Float32Array | number[];
      if (itemId !== undefined) {
        const point = await storeCall(() => vectorStore.get(live.collection, itemId), { fields: { id: 'itemId' } });
        if (!point) {
          throw new ApiError(404, 'item_not_found', `itemId: no item ${itemId} in live collection ${live.collection}`, [
            { path: 'itemId', message: 'unknown item id' },
          ]);
        }
        query = point.vector;
      } else {
        query = await embedQuery(models, live.modelVersion, content);
      }
      // The query item would be its own nearest neighbour: ask for one more and leave it out.
      const wanted = itemId !== undefined ? k + 1 : k;
      const hits = await storeCall(() => vectorStore.search(live.collection, query, { k: wanted, filter }), { fields: { filter: 'filter' } });
      const results = hits
        .filter((hit) => hit.id !== itemId)
        .slice(0, k)
        .map((hit) => ({ id: hit.id, score: hit.score, label: hit.payload.label }));
      return c.json({ modelVersion: live.modelVersion, results }, 200);
    },
  );
}
