import { z } from 'zod';
import { LabelSchema } from './attributes';
import { EventIdSchema, ItemIdSchema, SchemaVersionSchema } from './ids';
import { EVENT_LIMITS } from './limits';

/**
 * Who or what produced a feedback event (a user, an app, a labelling job): 1–128 characters
 * from `[A-Za-z0-9._:@/-]`. The trainer counts each source as one voice per item, so it must
 * name the producer, not the event. When a client sends none, the API derives one from the
 * API key the request presented (`key:` and a digest prefix), else `anonymous`.
 *
 * @example
 * FeedbackSourceSchema.parse('app:mobile/ios'); // 'app:mobile/ios'
 */
export const FeedbackSourceSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.sourceMaxChars, `must be at most ${EVENT_LIMITS.sourceMaxChars} characters`)
  .regex(/^[A-Za-z0-9._:@\/-]+$/, 'may contain only letters, digits and . _ : @ / -')
  .meta({ description: 'Who or what produced the event (1–128 characters from [A-Za-z0-9._:@/-]); default: derived from the API key, else `anonymous`', example: 'user:4711' });

/** The source of feedback sent without one and without an API key. */
export const ANONYMOUS_SOURCE = 'anonymous';

const commonShape = {
  schemaVersion: SchemaVersionSchema,
  weight: z
    .number()
    .gt(0, 'must be greater than 0')
    .max(EVENT_LIMITS.weightMax, `must be at most ${EVENT_LIMITS.weightMax}`)
    .optional()
    .meta({ description: 'Relative importance of this event (0 < weight ≤ 100, default 1)' }),
  source: FeedbackSourceSchema.optional(),
  timestamp: z.iso.datetime({ offset: true }).optional().meta({ description: 'When it happened (ISO 8601)' }),
};

function distinct<K extends string>(fields: readonly K[]) {
  return (ctx: z.core.ParsePayload<any>): void => {
    const seen = new Map<string, K>();
    for (const field of fields) {
      const first = seen.get(ctx.value[field]);
      if (first !== undefined) {
        ctx.issues.push({ code: 'custom', input: ctx.value[field], path: [field], message: `must differ from ${first}` });
        return;
      }
      seen.set(ctx.value[field], field);
    }
  };
}

function feedbackSchemas<E extends z.ZodType<string | undefined>, X extends z.core.$ZodShape>(eventId: E, extra: X) {
  const label = z.strictObject({ type: z.literal('label'), itemId: ItemIdSchema, label: LabelSchema, eventId, ...commonShape, ...extra });
  const pair = z
    .strictObject({ type: z.literal('pair'), a: ItemIdSchema, b: ItemIdSchema, similar: z.boolean(), eventId, ...commonShape, ...extra })
    .check(distinct(['a', 'b'] as const));
  const triplet = z
    .strictObject({
      type: z.literal('triplet'),
      anchor: ItemIdSchema,
      positive: ItemIdSchema,
      negative: ItemIdSchema,
      eventId,
      ...commonShape,
      ...extra,
    })
    .check(distinct(['anchor', 'positive', 'negative'] as const));
  return { label, pair, triplet };
}

const input = feedbackSchemas(EventIdSchema.optional(), {});

/** "Item `itemId` belongs to class `label`." */
export const LabelFeedbackSchema = input.label.meta({ id: 'LabelFeedback' });
/** "Items `a` and `b` are (or are not) similar." */
export const PairFeedbackSchema = input.pair.meta({ id: 'PairFeedback' });
/** "`anchor` is closer to `positive` than to `negative`." All three ids differ. */
export const TripletFeedbackSchema = input.triplet.meta({ id: 'TripletFeedback' });

/**
 * One feedback event as clients send it, discriminated on `type`.
 *
 * @example
 * FeedbackSchema.parse({ type: 'pair', a: 'x1', b: 'x2', similar: true, weight: 2 });
 */
export const FeedbackSchema = z
  .discriminatedUnion('type', [LabelFeedbackSchema, PairFeedbackSchema, TripletFeedbackSchema])
  .meta({ id: 'Feedback', description: 'Feedback event: label, pair or triplet' });

export type LabelFeedback = z.output<typeof LabelFeedbackSchema>;
export type PairFeedback = z.output<typeof PairFeedbackSchema>;
export type TripletFeedback = z.output<typeof TripletFeedbackSchema>;
export type Feedback = z.output<typeof FeedbackSchema>;
export type FeedbackInput = z.input<typeof FeedbackSchema>;

const recorded = feedbackSchemas(EventIdSchema, { receivedAt: z.number() });

/**
 * A feedback record on the `feedback` topic: the client's event with its `eventId` always set
 * (consumers drop repeats of an id) and `receivedAt` (ms since the epoch) stamped by the API.
 *
 * @example
 * const event = FeedbackRecordSchema.parse(JSON.parse(consumed.value));
 */
export const FeedbackRecordSchema = z.discriminatedUnion('type', [recorded.label, recorded.pair, recorded.triplet]);

export type FeedbackRecord = z.output<typeof FeedbackRecordSchema>;

/**
 * The item a feedback event concerns, used as its queue key so that one item's events stay
 * ordered: `itemId` for labels, `a` for pairs, `anchor` for triplets.
 *
 * @example
 * feedbackKey({ type: 'triplet', anchor: 'q', positive: 'p', negative: 'n' }); // 'q'
 */
export function feedbackKey(event: Pick<Feedback, 'type'> & Partial<{ itemId: string; a: string; anchor: string }>): string {
  switch (event.type) {
    case 'label':
      return event.itemId!;
    case 'pair':
      return event.a!;
    case 'triplet':
      return event.anchor!;
  }
}
