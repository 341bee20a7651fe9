import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { requireLiveCollection, storeCall } from '../live-collection';
import { jsonBody } from '../middleware/json-body';
import { searchOptionFields } from '../request-schemas';
import { ItemIdSchema } from '../../events/ids';
import { errorResponses } from './responses';

const CollectionParams = z.object({ collection: z.string().min(1).max(256).regex(/^[A-Za-z0-9._-]+$/) });
const VersionParams = z.object({ version: z.string().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/) });

const VectorSearchSchema = z
  .strictObject({
    vector: z.array(z.number()).min(1).max(65_536).meta({ description: 'An embedding of the collection\'s model version' }),
    ...searchOptionFields,
  })
  .meta({ id: 'VectorSearchRequest' });

/**
 * Read access to concrete collections and model files, for the edge functions and other
 * readers that pin a version themselves: `/v1/live`, `/v1/models/{version}[/model.onnx]`,
 * `/v1/collections/{collection}/search` and `/v1/collections/{collection}/points/{id}`.
 *
 * @example
 * registerCatalogRoutes(app, context);
 */
export function registerCatalogRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { vectorStore, modelStore, config, liveAlias } = ctx;
  const body = jsonBody({ maxBytes: config.api.maxBodyBytes });

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/live',
      summary: 'The concrete collection behind the live alias and its model version',
      responses: {
        200: { description: 'Live collection', content: { 'application/json': { schema: z.object({ alias: z.string(), collection: z.string(), modelVersion: z.string() }) } } },
        ...errorResponses.unavailable,
      },
    }),
    async (c) => c.json({ alias: liveAlias, ...(await requireLiveCollection(vectorStore, liveAlias)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{version}',
      summary: 'What a model version takes and produces (input, embeddingDim, metrics)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'Model version description', content: { 'application/json': { schema: z.object({}).passthrough() } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      const info = await requireModel(ctx, version);
      return c.json(info as unknown as Record<string, unknown>, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{version}/model.onnx',
      summary: 'The ONNX file of a model version (immutable)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'ONNX model', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      await requireModel(ctx, version);
      const bytes = await modelStore!.onnx(version);
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable' });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/collections/{collection}/search',
      summary: 'Nearest items to an embedding in one concrete collection',
      middleware: body,
      request: { params: CollectionParams, body: { required: true, content: { 'application/json': { schema: VectorSearchSchema } } } },
      responses: {
        200: { description: 'Nearest items, closest first', content: { 'application/json': { schema: z.object({ results: z.array(z.object({ id: z.string(), score: z.number(), label: z.string().optional() })) }) } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { collection } = c.req.valid('param');
      const { vector, ...options } = c.req.valid('json');
      await requireCollection(ctx, collection);
      const hits = await storeCall(() => vectorStore.search(collection, vector, options));
      return c.json({ results: hits.map((h) => ({ id: h.id, score: h.score, label: h.payload.label })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/collections/{collection}/points/{id}',
      summary: 'The stored vector and payload of one item in one concrete collection',
      request: { params: CollectionParams.extend({ id: ItemIdSchema }) },
      responses: {
        200: { description: 'Point', content: { 'application/json': { schema: z.object({ id: z.string(), vector: z.array(z.number()), payload: z.object({}).passthrough() }) } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { collection, id } = c.req.valid('param');
      await requireCollection(ctx, collection);
      const point = await storeCall(() => vectorStore.get(collection, id));
      if (!point) throw new ApiError(404, 'item_not_found', `id: no item ${id} in collection ${collection}`, [{ path: 'id', message: 'unknown item id' }]);
      return c.json({ id: point.id, vector: Array.from(point.vector), payload: point.payload as Record<string, unknown> }, 200);
    },
  );
}

async function requireCollection(ctx: RouteContext, collection: string): Promise<void> {
  const known = await storeCall(() => ctx.vectorStore.listCollections());
  if (!known.some((c) => c.name === collection)) {
    throw new ApiError(404, 'collection_not_found', `collection: no collection ${collection}`, [{ path: 'collection', message: 'unknown collection' }]);
  }
}

async function requireModel(ctx: RouteContext, version: string) {
  const info = ctx.modelStore ? await ctx.modelStore.get(version) : undefined;
  if (!info) throw new ApiError(404, 'model_not_found', `version: no model version ${version}`, [{ path: 'version', message: 'unknown model version' }]);
  return info;
}
