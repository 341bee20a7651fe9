import { createRoute } from '@hono/zod-openapi';
import type { DiscernApp, RouteContext } from '../app-context';
import { embedQuery } from '../embed-query';
import { requireLiveCollection } from '../live-collection';
import { queryCall } from '../query-call';
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
      const { itemId, k, offset, scoreThreshold, filter, ...content } = c.req.valid('json');
      await assertQueryPixels(content, maxQueryPixels);
      const options = { k, offset, scoreThreshold, filter };
      const live = await requireLiveCollection(vectorStore, liveAlias);
      // An item's neighbours are a one-example recommendation: its stored vector, itself left out.
      const hits =
        itemId !== undefined
          ? await queryCall(() => vectorStore.recommend(live.collection, { positive: [itemId], ...options }), { 'positive.0': 'itemId' })
          : await queryCall(async () => vectorStore.search(live.collection, await embedQuery(models, live.modelVersion, content), options));
      return c.json({ modelVersion: live.modelVersion, results: hits.map((hit) => ({ id: hit.id, score: hit.score, label: hit.payload.label })) }, 200);
    },
  );
}
