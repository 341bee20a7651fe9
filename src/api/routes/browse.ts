import { createRoute, z } from '@hono/zod-openapi';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { resolveLiveCollection, storeCall } from '../live-collection';
import { ItemIdParamsSchema } from '../request-schemas';
import { errorResponses } from './responses';

const ItemListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(48).openapi({ description: 'Items per page (1–200, default 48)' }),
  cursor: z.string().min(1).max(2048).optional().openapi({ description: "The previous page's `next`" }),
  label: z.string().min(1).max(256).optional().openapi({ description: 'Only items with this label' }),
});

const ItemListSchema = z
  .object({
    modelVersion: z.string().nullable(),
    items: z.array(z.object({ id: z.string(), label: z.string().optional(), hasThumbnail: z.boolean() })),
    next: z.string().optional(),
  })
  .meta({ id: 'ItemList' });

/**
 * `GET /v1/items` pages through the live collection (id order), and
 * `GET /v1/items/{id}/thumbnail` serves an item's thumbnail PNG: what a console needs to show
 * the catalog.
 *
 * @example
 * registerBrowseRoutes(app, context);
 */
export function registerBrowseRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { vectorStore, liveAlias } = ctx;

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items',
      operationId: 'listItems',
      tags: ['items'],
      summary: 'Page through the items of the live collection',
      request: { query: ItemListQuerySchema },
      responses: {
        200: { description: 'A page of items; `next` is absent on the last page', content: { 'application/json': { schema: ItemListSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { limit, cursor, label } = c.req.valid('query');
      const live = await resolveLiveCollection(vectorStore, liveAlias);
      if (!live) return c.json({ modelVersion: null, items: [] }, 200);
      const page = await storeCall(() => vectorStore.scroll(live.collection, { limit, cursor, filter: label !== undefined ? { label } : undefined }));
      return c.json(
        {
          modelVersion: live.modelVersion,
          items: page.points.map((p) => ({ id: p.id, ...(p.payload.label !== undefined ? { label: p.payload.label } : {}), hasThumbnail: p.payload.thumbnail !== undefined })),
          ...(page.next !== undefined ? { next: page.next } : {}),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}/thumbnail',
      operationId: 'getItemThumbnail',
      tags: ['items'],
      summary: "An item's thumbnail (PNG, at most 64 px a side)",
      request: { params: ItemIdParamsSchema },
      responses: {
        200: { description: 'The thumbnail', content: { 'image/png': { schema: z.string().openapi({ format: 'binary' }) } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const live = await resolveLiveCollection(vectorStore, liveAlias);
      const point = live && (await storeCall(() => vectorStore.get(live.collection, id)));
      if (!point?.payload.thumbnail) throw new ApiError(404, 'thumbnail_not_found', `id: no thumbnail for item ${id}`, [{ path: 'id', message: 'no thumbnail for this item id' }]);
      return c.body(Buffer.from(point.payload.thumbnail, 'base64'), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=300' });
    },
  );
}
