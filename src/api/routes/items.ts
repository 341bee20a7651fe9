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
import { checkItemBatch } from '../intake/check-item-batch';
import { AcceptedSchema, ItemIdParamsSchema, ItemStatusSchema, itemBatchSchema } from '../request-schemas';
import { batchPublishRoute } from './batch-publish-route';
import { errorResponses } from './responses';

const security: Record<string, string[]>[] = [{ apiKey: [] }, { bearer: [] }];

/**
 * `POST /v1/items`, `DELETE /v1/items/{id}` (both publish to the `items` topic keyed by item id)
 * and `GET /v1/items/{id}` (the item's status: pending, indexed or rejected, and its indexed fields).
 *
 * @example
 * registerItemRoutes(app, context);
 */
export function registerItemRoutes(app: DiscernApp, ctx: RouteContext): void {
  const { queue, vectorStore, models, config, metrics, logger, liveAlias, recentItems, deadLetters } = ctx;
  const intake = { queue, trainerGroup: ctx.trainerGroup, models, vectorStore, liveAlias, recent: recentItems, policy: config.intake.unknownItemIds, maxImagePixels: config.intake.maxImagePixels };
  const apiKey = requireApiKey(config.apiKey);
  const maxItems = config.api.maxBatchItems;

  app.openapi(
    batchPublishRoute(ctx, {
      path: '/v1/items',
      operationId: 'addItems',
      tag: 'items',
      field: 'items',
      schema: itemBatchSchema(maxItems),
      summary: 'Add or update items',
      description:
        `Publishes each item to the \`items\` topic (keyed by its id). 202 only once the queue has durably written them. At most ${maxItems} items per request (more: 413). ` +
        `Items the trainer could never index are refused with a 400 naming each field: images that do not decode fully or declare more than MAX_IMAGE_PIXELS pixels, ` +
        `content of the wrong kind or size for the live model, and items without content that name no item indexed or recently added (UNKNOWN_ITEM_IDS).`,
    }),
    async (c) => {
      const { items } = c.req.valid('json');
      await checkItemBatch(items, await resolveLiveCollection(vectorStore, liveAlias), intake);
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
      for (const id of ids) recentItems.record(id, { receivedAt, deleted: false });
      return c.json({ accepted: items.length, ids }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/items/{id}',
      operationId: 'deleteItem',
      tags: ['items'],
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
      recentItems.record(id, { receivedAt: record.receivedAt, deleted: true });
      return c.json({ accepted: 1, ids: [id] }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/items/{id}',
      operationId: 'getItem',
      tags: ['items'],
      summary: 'An item: whether it is pending, indexed or rejected, and its fields as the live collection holds them',
      description:
        '`rejected` (with the trainer\'s `reason`) when the newest write of the item known to this API was dead-lettered; ' +
        'otherwise `indexed` when the live collection holds it, `pending` when this API accepted it and the trainer has not indexed it yet. ' +
        '404 when none of these: unknown ids, deleted items, and items accepted by another API process and not yet indexed.',
      request: { params: ItemIdParamsSchema },
      responses: {
        200: { description: 'The item and its status', content: { 'application/json': { schema: ItemStatusSchema } } },
        ...errorResponses.badRequest,
        ...errorResponses.notFound,
        ...errorResponses.unavailable,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const live = await resolveLiveCollection(vectorStore, liveAlias);
      const point = live && (await storeCall(() => vectorStore.get(live.collection, id), { fields: { id: 'id' } }));
      const indexed = point ? { label: point.payload.label, attributes: point.payload.attributes, modelVersion: live.modelVersion } : {};
      const write = recentItems.get(id);
      const rejection = deadLetters.rejectionOf(id);
      // The same write carries the same receivedAt into its dead letter; a later write supersedes it.
      if (rejection && (write === undefined || (rejection.record.receivedAt ?? 0) >= write.receivedAt)) {
        return c.json({ id, status: 'rejected' as const, reason: rejection.reason, rejectedAt: new Date(rejection.at).toISOString(), ...indexed }, 200);
      }
      if (write?.deleted === false && !point) {
        return c.json({ id, status: 'pending' as const, acceptedAt: new Date(write.receivedAt).toISOString() }, 200);
      }
      if (write?.deleted === true && point) {
        return c.json({ id, status: 'pending' as const, acceptedAt: new Date(write.receivedAt).toISOString(), ...indexed }, 200);
      }
      if (!point) {
        const where = live ? `live collection ${live.collection}` : 'index (no model version is published yet)';
        throw new ApiError(404, 'item_not_found', `id: no item ${id} in the ${where}, and none accepted recently`, [{ path: 'id', message: 'unknown item id' }]);
      }
      return c.json({ id, status: 'indexed' as const, ...indexed }, 200);
    },
  );
}
