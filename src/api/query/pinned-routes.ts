import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Env, MiddlewareHandler } from 'hono';
import { versionOfCollection } from '../../core/catalog-naming';
import type { CollectionSummary, QueryCatalog } from '../../core/query-catalog';
import { ItemIdSchema } from '../../events/ids';
import { ApiError } from '../api-error';
import { searchOptionFields } from '../request-schemas';
import { PayloadSchema } from '../response-schemas';
import { errorResponses } from '../routes/responses';
import { noLiveModel } from './no-live-model';
import { searchVector } from './query-vector';

// Any text is a well-formed name: one that is not this service's is simply not found (404).
const CollectionParams = z.object({ collection: z.string().meta({ description: 'A collection of this service: `<live alias>_<version>`, e.g. catalog_v000004' }) });

const VectorSearchSchema = z
  .strictObject({
    vector: z.array(z.number()).min(1).max(65_536).meta({ description: 'An embedding of the collection\'s model version' }),
    ...searchOptionFields,
  })
  .meta({ id: 'VectorSearchRequest' });

/**
 * The version-pinned reads, for the edge and other readers that pin a version themselves:
 * `GET /v1/live`, `GET /v1/collections/{collection}`, `POST /v1/collections/{collection}/search`
 * and `GET /v1/collections/{collection}/points/{id}`. Only this service's own collections
 * (`<live alias>_<version>`) are served, even on a store that other services share.
 *
 * @example
 * registerPinnedRoutes(app, () => catalog, jsonBody({ maxBytes: 1 << 20 }));
 */
export function registerPinnedRoutes<E extends Env>(app: OpenAPIHono<E>, catalogOf: (c: Context<E>) => QueryCatalog, body: MiddlewareHandler[]): void {
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
    async (c) => {
      const catalog = catalogOf(c as Context<E>);
      const live = await catalog.liveCollection();
      if (!live) throw noLiveModel();
      return c.json({ alias: catalog.alias, ...live }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/collections/{collection}',
      operationId: 'getCollection',
      tags: ['versions'],
      summary: 'One concrete collection: its distance, dimension and item count',
      request: { params: CollectionParams },
      responses: {
        200: {
          description: 'Collection',
          content: { 'application/json': { schema: z.object({ name: z.string(), distance: z.enum(['cosine', 'euclid', 'dot']), dimension: z.number().int(), count: z.number().int() }) } },
        },
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { collection } = c.req.valid('param');
      const { name, distance, dimension, count } = await requireCollection(catalogOf(c as Context<E>), collection);
      return c.json({ name, distance, dimension, count }, 200);
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
      const catalog = catalogOf(c as Context<E>);
      const { distance } = await requireCollection(catalog, collection);
      const query = Float32Array.from(searchVector(vector, distance));
      const hits = await stillThere(catalog, collection, () => catalog.search(collection, query, options));
      return c.json({ results: hits.map(({ id, score, label }) => ({ id, score, label })) }, 200);
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
      const catalog = catalogOf(c as Context<E>);
      await requireCollection(catalog, collection);
      const point = await stillThere(catalog, collection, () => catalog.point(collection, id));
      if (!point) throw new ApiError(404, 'item_not_found', `id: no item ${id} in collection ${collection}`, [{ path: 'id', message: 'unknown item id' }]);
      return c.json({ id: point.id, vector: point.vector, payload: point.payload }, 200);
    },
  );
}

function collectionNotFound(collection: string): ApiError {
  return new ApiError(404, 'collection_not_found', `collection: no collection ${collection} of this service`, [{ path: 'collection', message: 'unknown collection' }]);
}

/** The collection, when it is one of this service's (named after a version of its alias) and exists. */
async function requireCollection(catalog: QueryCatalog, collection: string): Promise<CollectionSummary> {
  if (versionOfCollection(catalog.alias, collection) === undefined) throw collectionNotFound(collection);
  const found = await catalog.collection(collection);
  if (!found) throw collectionNotFound(collection);
  return found;
}

/** Runs a read of a collection found a moment ago; when it fails because the collection has since been dropped, 404. */
async function stillThere<T>(catalog: QueryCatalog, collection: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!(await catalog.collection(collection).catch(() => 'unknown'))) throw collectionNotFound(collection);
    throw error;
  }
}
