import { z } from 'zod';
import { FeedbackSchema } from '../events/feedback';
import { ItemIdSchema } from '../events/ids';
import { Base64ImageSchema, FeatureVectorSchema, PixelsSchema } from '../events/image-input';
import { ItemSchema } from '../events/item';
import { CURSOR_PATTERN } from './dead-letters/dead-letter-entry';
import { QUERY_LIMITS, SearchFilterSchema } from './search-filter-schema';

/**
 * `POST /v1/items` body. The upper bound is enforced earlier (413) but stated here so the
 * OpenAPI document shows it.
 *
 * @example
 * itemBatchSchema(1000).parse({ items: [{ id: 'a' }] });
 */
export function itemBatchSchema(maxItems: number) {
  return z.strictObject({ items: z.array(ItemSchema).min(1, 'must contain at least one item').max(maxItems) }).meta({ id: 'ItemBatch' });
}

/** `POST /v1/feedback` body. */
export function feedbackBatchSchema(maxEvents: number) {
  return z
    .strictObject({ events: z.array(FeedbackSchema).min(1, 'must contain at least one event').max(maxEvents) })
    .meta({ id: 'FeedbackBatch' });
}

export const AcceptedSchema = z
  .object({
    accepted: z.int().meta({ description: 'Events durably written to the queue (repeats of a recent eventId included)' }),
    ids: z.array(z.string()).meta({ description: 'Item ids, or feedback event ids (server-assigned where the client sent none), in request order' }),
    duplicates: z.int().optional().meta({ description: 'Events whose eventId was accepted recently and were therefore not written again' }),
  })
  .meta({ id: 'Accepted' });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      requestId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const ItemIdParamsSchema = z.object({ id: ItemIdSchema });

const AttributeValuesSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const ItemStatusSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'indexed', 'rejected']).meta({
      description:
        '`pending`: accepted by this API, not yet in the live collection; `indexed`: in the live collection; ' +
        '`rejected`: the newest write of the item known here was refused by the trainer (`reason` says why)',
    }),
    reason: z.string().optional().meta({ description: 'Why the trainer refused the item (rejected only), naming the field' }),
    rejectedAt: z.iso.datetime().optional(),
    acceptedAt: z.iso.datetime().optional().meta({ description: 'When this API accepted the pending write' }),
    label: z.string().optional(),
    attributes: AttributeValuesSchema.optional(),
    modelVersion: z.string().optional().meta({ description: 'Version of the live collection the item is indexed in' }),
  })
  .meta({ id: 'ItemStatus', description: 'An item as the live collection holds it (when indexed), and where its newest write stands' });

export const DEAD_LETTERS_MAX_LIMIT = 1000;

export const DeadLettersQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(DEAD_LETTERS_MAX_LIMIT)
    .default(100)
    .meta({ description: `Dead letters per page (1–${DEAD_LETTERS_MAX_LIMIT}, default 100)` }),
  cursor: z
    .string()
    .regex(CURSOR_PATTERN, 'must be a nextCursor returned by this route')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; absent for the newest page' }),
});

export const DeadLetterSchema = z
  .object({
    cursor: z.string(),
    deadLetteredAt: z.iso.datetime(),
    key: z.string().meta({ description: 'Key of the rejected record: the item id, or the item a feedback event concerns' }),
    reason: z.string(),
    source: z.object({ topic: z.string(), partition: z.int(), offset: z.string() }).meta({ description: 'Where the rejected record lies in the queue' }),
    record: z
      .object({ type: z.string().optional(), id: z.string().optional(), eventId: z.string().optional(), receivedAt: z.iso.datetime().optional() })
      .meta({ description: 'What the rejected record said about itself (its content is not repeated)' }),
  })
  .meta({ id: 'DeadLetter' });

export const DeadLetterPageSchema = z
  .object({
    deadLetters: z.array(DeadLetterSchema).meta({ description: 'Newest first' }),
    nextCursor: z.string().optional().meta({ description: 'Cursor of the next, older page; absent on the last page' }),
  })
  .meta({ id: 'DeadLetterPage' });

const QUERY_FIELDS = ['itemId', 'image', 'pixels', 'vector'] as const;

function exactlyOne(fields: readonly string[]) {
  return (ctx: z.core.ParsePayload<Record<string, unknown>>): void => {
    const present = fields.filter((f) => ctx.value[f] !== undefined);
    if (present.length !== 1) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: present.length > 1 ? [present[1]] : [],
        message: `give exactly one of ${fields.join(', ')}${present.length > 1 ? ` (got ${present.join(' and ')})` : ''}`,
      });
    }
  };
}

export const EmbedRequestSchema = z
  .strictObject({ image: Base64ImageSchema.optional(), pixels: PixelsSchema.optional(), vector: FeatureVectorSchema.optional() })
  .check(exactlyOne(['image', 'pixels', 'vector']))
  .meta({ id: 'EmbedRequest', description: 'Exactly one of image, pixels or vector (whichever the live model takes)' });

export const EmbedResponseSchema = z
  .object({ modelVersion: z.string(), embedding: z.array(z.number()) })
  .meta({ id: 'EmbedResponse' });

/** `k`, `offset`, `scoreThreshold` and `filter`: what every search and recommendation takes. */
export const searchOptionFields = {
  k: z.int().min(1).max(1000).default(10).meta({ description: 'Number of results (1–1000, default 10)' }),
  offset: z
    .int()
    .min(0)
    .max(QUERY_LIMITS.offset)
    .optional()
    .meta({ description: `Best results to skip first, for pages (0–${QUERY_LIMITS.offset}; page n of size k has offset n·k)` }),
  scoreThreshold: z
    .number()
    .optional()
    .meta({ description: 'Only results scoring strictly above this (cosine similarity for the catalog), as Qdrant\'s score_threshold' }),
  filter: SearchFilterSchema.optional(),
};

const searchFields = {
  itemId: ItemIdSchema.optional().meta({ description: 'Find items like this indexed item (it is left out of the results)' }),
  image: Base64ImageSchema.optional(),
  pixels: PixelsSchema.optional(),
  vector: FeatureVectorSchema.optional(),
  ...searchOptionFields,
};

export const SearchRequestSchema = z
  .strictObject(searchFields)
  .check(exactlyOne(QUERY_FIELDS))
  .meta({ id: 'SearchRequest', description: 'Exactly one of itemId, image, pixels or vector' });

const SearchResultSchema = z.object({ id: z.string(), score: z.number(), label: z.string().optional() }).meta({ id: 'SearchResult' });

export const SearchResponseSchema = z
  .object({
    modelVersion: z.string(),
    results: z.array(SearchResultSchema),
  })
  .meta({ id: 'SearchResponse' });

export const SearchBatchRequestSchema = z
  .strictObject({
    searches: z
      .array(z.strictObject(searchFields).check(exactlyOne(QUERY_FIELDS)))
      .min(1, 'must contain at least one search')
      .max(QUERY_LIMITS.batchSearches)
      .meta({ description: `1–${QUERY_LIMITS.batchSearches} searches, each shaped like a POST /v1/search body` }),
  })
  .meta({ id: 'SearchBatchRequest', description: 'Several searches answered with one model version' });

export const SearchBatchResponseSchema = z
  .object({
    modelVersion: z.string(),
    searches: z.array(z.object({ results: z.array(SearchResultSchema) })).meta({ description: 'One entry per search, in request order' }),
  })
  .meta({ id: 'SearchBatchResponse' });

const ExampleIdsSchema = z.array(ItemIdSchema).max(QUERY_LIMITS.examples);

export const RecommendRequestSchema = z
  .strictObject({
    positive: ExampleIdsSchema.min(1, 'must name at least one item').meta({ description: 'Items the results should be like' }),
    negative: ExampleIdsSchema.optional().meta({ description: 'Items the results should be unlike' }),
    ...searchOptionFields,
  })
  .meta({
    id: 'RecommendRequest',
    description:
      "Qdrant's average_vector recommendation: the nearest items to 2·mean(positive) − mean(negative) (mean(positive) without negatives) of the items' stored embeddings; the examples are left out",
  });

export type SearchRequest = z.output<typeof SearchRequestSchema>;
export type SearchBatchRequest = z.output<typeof SearchBatchRequestSchema>;
export type RecommendRequest = z.output<typeof RecommendRequestSchema>;
export type EmbedRequest = z.output<typeof EmbedRequestSchema>;
