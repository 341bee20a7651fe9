import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import type { ImageDecoder } from '../../core/image-decoder';
import type { ModelRunner } from '../../core/model-catalog';
import type { LiveCollection, QueryCatalog, QueryHit } from '../../core/query-catalog';
import { ApiError } from '../api-error';
import { jsonBody } from '../middleware/json-body';
import { EmbedRequestSchema, EmbedResponseSchema, SearchRequestSchema, SearchResponseSchema } from '../request-schemas';
import { errorResponses } from '../routes/responses';
import { embedQuery, type QueryContent } from './embed-query';
import { noLiveModel } from './no-live-model';
import { registerPinnedRoutes } from './pinned-routes';
import { throwValidationError } from './error-response';
import { assertQueryPixels } from './query-pixels';

export { noLiveModel };

/** What the query app runs on: the read side of the catalog, a model runner and an image decoder. */
export interface QueryPorts {
  catalog: QueryCatalog;
  models: ModelRunner;
  decoder: ImageDecoder;
}

export interface QueryAppOptions<E extends Env = Env> {
  /** The ports, or how a request finds them (the edge builds them from its bindings). */
  ports: QueryPorts | ((c: Context<E>) => QueryPorts);
  /** Largest request body in bytes (413 above). */
  maxBodyBytes: number;
  /** When set, a query image or pixel grid of more pixels is refused (413) before it is decoded. */
  maxQueryPixels?: number;
  /** Runs before the body is read, e.g. a per-client rate limit. */
  middleware?: MiddlewareHandler[];
}

/**
 * The query routes, written once for every runtime: `POST /v1/embed` and `POST /v1/search`,
 * and the version-pinned reads (`GET /v1/live`, `/v1/collections/{collection}`, its search and
 * its points; see `registerPinnedRoutes`), which `middleware` does not apply to.
 * Each request resolves the live collection once, then embeds with that collection's model
 * version and searches that collection by name, so every answer names the version that
 * computed it. The app knows no runtime: the Node service mounts it over its vector store and
 * onnxruntime-node, the edge worker over Qdrant REST and onnxruntime-web. Errors are
 * `ApiError`s, rendered by the host app with `errorResponse`.
 *
 * @example
 * const app = new OpenAPIHono();
 * app.route('/', createQueryApp({ ports: { catalog, models, decoder }, maxBodyBytes: 1 << 20 }));
 * app.onError((error, c) => errorResponse(c, error instanceof ApiError ? error : new ApiError(500, 'internal', 'internal error')));
 */
export function createQueryApp<E extends Env = Env>(options: QueryAppOptions<E>): OpenAPIHono<E> {
  const { ports } = options;
  const portsOf = typeof ports === 'function' ? ports : () => ports;
  const body = jsonBody({ maxBytes: options.maxBodyBytes });
  const middleware = [...(options.middleware ?? []), ...body];
  const app = new OpenAPIHono<E>({ defaultHook: throwValidationError });

  async function checkPixels(content: QueryContent, decoder: ImageDecoder): Promise<void> {
    if (options.maxQueryPixels !== undefined) await assertQueryPixels(content, options.maxQueryPixels, decoder);
  }

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
      const { catalog, models, decoder } = portsOf(c as Context<E>);
      await checkPixels(request, decoder);
      const live = await requireLive(catalog);
      const embedding = await embedQuery({ models, decoder }, live.modelVersion, request);
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
      const { catalog, models, decoder } = portsOf(c as Context<E>);
      await checkPixels(content, decoder);
      const options = { k, offset, scoreThreshold, filter };
      const live = await requireLive(catalog);
      let hits: QueryHit[] | undefined;
      if (itemId === undefined) {
        hits = await catalog.search(live.collection, await embedQuery({ models, decoder }, live.modelVersion, content), options);
      } else {
        // An item's neighbours: its stored vector's, itself left out.
        hits = await catalog.searchLikeItem(live.collection, itemId, options);
        if (!hits) throw new ApiError(404, 'item_not_found', `itemId: no item ${itemId} in the live collection ${live.collection}`, [{ path: 'itemId', message: 'unknown item id' }]);
      }
      return c.json({ modelVersion: live.modelVersion, results: hits.map(({ id, score, label }) => ({ id, score, label })) }, 200);
    },
  );

  registerPinnedRoutes(app, (c) => portsOf(c).catalog, body);

  return app;
}

/** The live collection, or a 503 while no model version has been published. */
async function requireLive(catalog: QueryCatalog): Promise<LiveCollection> {
  const live = await catalog.liveCollection();
  if (!live) throw noLiveModel();
  return live;
}
