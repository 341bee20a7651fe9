import { createRoute, z } from '@hono/zod-openapi';
import { versionOfCollection } from '../../core/catalog-naming';
import { isModelVersionId } from '../../core/model-version-id';
import { ModelStoreError } from '../../core/model-store';
import type { CollectionInfo } from '../../core/vector-store';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { requireLiveCollection, storeCall } from '../live-collection';
import { jsonBody } from '../middleware/json-body';
import { searchVector } from '../query/query-vector';
import { AttributesSchema, LabelSchema } from '../../events/attributes';
import { searchOptionFields } from '../request-schemas';
import { ItemIdSchema } from '../../events/ids';
import { errorResponses } from './responses';
import { ModelVersionSchema, PayloadSchema } from '../response-schemas';

// Any text is a well-formed name: one that is not this service's is simply not found (404).
const CollectionParams = z.object({ collection: z.string().meta({ description: 'A collection of this service: `<live alias>_<version>`, e.g. catalog_v000004' }) });
const VersionParams = z.object({ version: z.string().meta({ description: 'A model version id, e.g. v000004' }) });

const VectorSearchSchema = z
  .strictObject({
    vector: z.array(z.number()).min(1).max(65_536).meta({ description: 'An embedding of the collection\'s model version' }),
    ...searchOptionFields,
  })
  .meta({ id: 'VectorSearchRequest' });

/**
 * Read access to concrete collections and model files, for the edge functions and other
 * readers that pin a version themselves: `/v1/live`, `/v1/models/{version}[/model.onnx]`,
 * `/v1/collections/{collection}/search` and `/v1/collections/{collection}/points/{id}`. Only
 * this service's own collections (`<live alias>_<version>`) are served, even on a store that
 * other services share.
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
      operationId: 'getLiveCollection',
      tags: ['versions'],
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
      operationId: 'getModelVersion',
      tags: ['versions'],
      summary: 'What a model version takes and produces (input, embeddingDim, metrics)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'Model version description', content: { 'application/json': { schema: ModelVersionSchema } } },
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      const info = await requireModel(ctx, version);
      return c.json(info, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/models/{version}/model.onnx',
      operationId: 'getModelFile',
      tags: ['versions'],
      summary: 'The ONNX file of a model version (immutable)',
      request: { params: VersionParams },
      responses: {
        200: { description: 'ONNX model', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } },
        ...errorResponses.notFound,
      },
    }),
    async (c) => {
      const { version } = c.req.valid('param');
      await requireModel(ctx, version);
      const bytes = await modelStore!.onnx(version).catch((error: unknown) => {
        // Pruned between the two reads: as gone as a version that never was.
        if (error instanceof ModelStoreError && error.code === 'not_found') throw modelNotFound(version);
        throw error;
      });
      return c.body(bytes as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/octet-stream', 'Cache-Control': 'public, max-age=31536000, immutable' });
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/collections/{collection}/search',
      operationId: 'searchCollection',
      tags: ['versions'],
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
      const { distance } = await requireCollection(ctx, collection);
      const query = searchVector(vector, distance);
      const hits = await storeCall(() => vectorStore.search(collection, query, options), {
        fields: { vector: 'vector', k: 'k', filter: 'filter', offset: 'offset', scoreThreshold: 'scoreThreshold' },
        notFound: () => collectionNotFound(collection),
      });
      return c.json({ results: hits.map((h) => ({ id: h.id, score: h.score, label: h.payload.label })) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/collections/{collection}/points/{id}',
      operationId: 'getCollectionPoint',
      tags: ['versions'],
      summary: 'The stored vector and payload of one item in one concrete collection',
      request: { params: CollectionParams.extend({ id: ItemIdSchema }) },
      responses: {
        200: { description: 'Point', content: { 'application/json': { schema: z.object({ id: z.string(), vector: z.array(z.number()), payload: PayloadSchema }) } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { collection, id } = c.req.valid('param');
      await requireCollection(ctx, collection);
      const point = await storeCall(() => vectorStore.get(collection, id), { fields: { id: 'id' }, notFound: () => collectionNotFound(collection) });
      if (!point) throw new ApiError(404, 'item_not_found', `id: no item ${id} in collection ${collection}`, [{ path: 'id', message: 'unknown item id' }]);
      return c.json({ id: point.id, vector: Array.from(point.vector), payload: point.payload }, 200);
    },
  );
}

function collectionNotFound(collection: string): ApiError {
  return new ApiError(404, 'collection_not_found', `collection: no collection ${collection} of this service`, [{ path: 'collection', message: 'unknown collection' }]);
}

/** The collection, when it is one of this service's (named after a version of its alias) and exists. */
async function requireCollection(ctx: RouteContext, collection: string): Promise<CollectionInfo> {
  if (versionOfCollection(ctx.liveAlias, collection) === undefined) throw collectionNotFound(collection);
  const known = await storeCall(() => ctx.vectorStore.listCollections());
  const found = known.find((c) => c.name === collection);
  if (!found) throw collectionNotFound(collection);
  return found;
}

async function requireModel(ctx: RouteContext, version: string) {
  // Checked here, before any store sees it: a name outside the grammar names no version.
  const info = isModelVersionId(version) && ctx.modelStore ? await ctx.modelStore.get(version) : undefined;
  if (!info) throw modelNotFound(version);
  return info;
}

function modelNotFound(version: string): ApiError {
  return new ApiError(404, 'model_not_found', `version: no model version ${version}`, [{ path: 'version', message: 'unknown model version' }]);
}
