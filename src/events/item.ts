import { z } from 'zod';
import { AttributesSchema, LabelSchema } from './attributes';
import { ItemIdSchema, SchemaVersionSchema } from './ids';
import { Base64ImageSchema, FeatureVectorSchema, PixelsSchema } from './image-input';

const CONTENT_FIELDS = ['image', 'pixels', 'vector'] as const;

const itemShape = {
  schemaVersion: SchemaVersionSchema,
  id: ItemIdSchema,
  label: LabelSchema.optional(),
  attributes: AttributesSchema.optional(),
  image: Base64ImageSchema.optional(),
  pixels: PixelsSchema.optional(),
  vector: FeatureVectorSchema.optional(),
};

function atMostOneContent(ctx: z.core.ParsePayload<{ image?: unknown; pixels?: unknown; vector?: unknown }>): void {
  const present = CONTENT_FIELDS.filter((field) => ctx.value[field] !== undefined);
  if (present.length > 1) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      path: [present[1]],
      message: `give at most one of image, pixels or vector (got ${present.join(' and ')})`,
    });
  }
}

/**
 * An item to index: id, optional label and attributes, and at most one content field —
 * `image` (base64 PNG/JPEG), `pixels` (raw) or `vector` (backbone features). An item without
 * content updates metadata only.
 *
 * @example
 * ItemSchema.parse({ id: 'a1', label: 'shoe', pixels: { width: 1, height: 1, channels: 1, data: [7] } });
 */
export const ItemSchema = z
  .strictObject(itemShape)
  .check(atMostOneContent)
  .meta({ id: 'Item', description: 'An item to index; at most one of image, pixels or vector (none: metadata-only update)' });

export type Item = z.output<typeof ItemSchema>;
export type ItemInput = z.input<typeof ItemSchema>;

/**
 * Record on the `items` topic that creates or replaces an item. `receivedAt` is set by the API
 * (milliseconds since the epoch).
 */
export const ItemUpsertRecordSchema = z
  .strictObject({ ...itemShape, type: z.literal('upsert'), receivedAt: z.number() })
  .check(atMostOneContent);

/** Record on the `items` topic that removes an item. */
export const ItemDeleteRecordSchema = z.strictObject({
  schemaVersion: SchemaVersionSchema,
  type: z.literal('delete'),
  id: ItemIdSchema,
  receivedAt: z.number(),
});

/**
 * Any record on the `items` topic (keyed by item id, so one item's records stay ordered).
 *
 * @example
 * const record = ItemRecordSchema.parse(JSON.parse(consumed.value));
 * if (record.type === 'delete') index.remove(record.id);
 */
export const ItemRecordSchema = z.discriminatedUnion('type', [ItemUpsertRecordSchema, ItemDeleteRecordSchema]);

export type ItemUpsertRecord = z.output<typeof ItemUpsertRecordSchema>;
export type ItemDeleteRecord = z.output<typeof ItemDeleteRecordSchema>;
export type ItemRecord = z.output<typeof ItemRecordSchema>;
