import { createRoute } from '@hono/zod-openapi';
import type { OutgoingRecord } from '../../core/queue';
import { acceptedAt } from '../../events/accept-clock';
import { CURRENT_SCHEMA_VERSION } from '../../events/ids';
import type { ItemDeleteRecord, ItemUpsertRecord } from '../../events/item';
import { ApiError } from '../api-error';
import type { DiscernApp, RouteContext } from '../app-context';
import { resolveLiveCollection, storeCall } from '../live-collection';
import { requireApiKey } from '../middleware/api-key';
import { publishDurably } from '../publish';
import { AcceptedSchema, ItemIdParamsSchema, StoredItemSchema, itemBatchSchema } from '../request-schemas';
import { batchPublishRoute } from './batch-publish-route';
import { errorResponses } from './responses';

const security: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];

/**
 * `POST /v1/items`, `DELETE /v1/items/{id}` (both publish to the `items` topic keyed by item id)
 * and `GET /v1/items/{id}` (reads the live collection).
 *
 * @example
 * registerItemRoutes(app, context);
 */
export function registerItemRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { queue, vectorStore, config, metrics, logger, liveAlias } = ctx;
  const apiKey = requireApiKey(config.apiKey);
  const maxItems = config.api.maxBatchItems;

  app.openapi(
    batchPublishRoute(ctx, {
      path: '/v1/items',
      field: 'items',
      schema: itemBatchSchema(maxItems),
      summary: 'Add or update items',
      description: `Publishes each item to the \`items\` topic (keyed by its id). 202 only once the queue has durably written them. At most ${maxItems} items per request (more: 413).`,
    }),
    async (c) => {
      const { items } = c.req.valid('json');
      const receivedAt = acceptedAt();
      const ids = new Array<string>(items.length);
      const records = new Array<OutgoingRecord>(items.length);
      for (let i = 0; i < items.length; i++) {
        // The validated objects are this request's own copies: stamping them in place is
        // cheaper than spreading each into a new record object.
        const record = items[i] as ItemUpsertRecord;
        record.type = 'upsert';
        record.receivedAt = receivedAt;
        ids[i] = record.id;
        records[i] = { key: record.id, value: JSON.stringify(record) };
      }
      await publishDurably(queue, 'items', records, metrics, logger);
      return c.json({ accepted: items.length, ids }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/items/{id}',
      summary: 'Delete an item',
      security,
      middleware: [apiKey],
      request: { params: ItemIdParamsSchema },
      responses: {
        202: { description: 'Delete durably accepted', content: { 'application/json': { schema: AcceptedSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.unauthorized,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const record: ItemDeleteRecord = { schemaVersion: CURRENT_SCHEMA_VERSION, type: 'delete', id, receivedAt: acceptedAt() };
      await publishDurably(queue, 'items', [{ key: id, value: JSON.stringify(record) }], metrics, logger);
      return c.json({ accepted: 1, ids: [id] }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}',
      summary: 'An indexed item, as the live collection holds it',
      request: { params: ItemIdParamsSchema },
      responses: {
        200: { description: 'The item', content: { 'application/json': { schema: StoredItemSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const live = await resolveLiveCollection(vectorStore, liveAlias);
      const point = live && (await storeCall(() => vectorStore.get(live.collection, id)));
      if (!live || !point) {
        const where = live ? `live collection ${live.collection}` : 'index (no model version is published yet)';
        throw new ApiError(404, 'item_not_found', `id: no item ${id} in the ${where}`, [{ path: 'id', message: 'unknown item id' }]);
      }
      return c.json({ id: point.id, label: point.payload.label, attributes: point.payload.attributes, modelVersion: live.modelVersion }, 200);
    },
  );
}
