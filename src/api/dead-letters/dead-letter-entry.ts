import { z } from 'zod';
import type { ConsumedRecord } from '../../core/queue';

/** A rejected record as the API lists it: why, where it came from, and what it was. */
export interface DeadLetterEntry {
  /** Opaque position in the listing order (dead-lettered time, then partition and offset). */
  cursor: string;
  /** When the trainer dead-lettered it (ms since the epoch). */
  at: number;
  /** The original record's key: the item id, or the item a feedback event concerns. */
  key: string;
  reason: string;
  source: { topic: string; partition: number; offset: string };
  /** What the original record said about itself, where it was readable JSON. */
  record: { type?: string; id?: string; eventId?: string; receivedAt?: number };
}

const LetterValueSchema = z.object({
  reason: z.string(),
  topic: z.string(),
  partition: z.number(),
  offset: z.string(),
  key: z.string().optional(),
  value: z.string().optional(),
});

const OriginalSchema = z.object({
  type: z.string().optional(),
  id: z.string().optional(),
  eventId: z.string().optional(),
  receivedAt: z.number().optional(),
});

/**
 * Reads a record of the `dead-letters` topic (see the trainer's `deadLetterFor`): the JSON
 * value, or its headers where the value is not readable. The original record's content (an
 * image, say) is not kept, only what identifies it.
 *
 * @example
 * const entry = deadLetterEntryOf(consumed); // { key: 'pill-1', reason: 'image: ...', source: { topic: 'items', ... } }
 */
export function deadLetterEntryOf(record: ConsumedRecord): DeadLetterEntry {
  let letter: z.output<typeof LetterValueSchema> | undefined;
  try {
    const parsed = LetterValueSchema.safeParse(JSON.parse(record.value));
    if (parsed.success) letter = parsed.data;
  } catch {
    // Falls back to the headers below.
  }
  const h = record.headers;
  const source = letter
    ? { topic: letter.topic, partition: letter.partition, offset: letter.offset }
    : { topic: h['source-topic'] ?? 'unknown', partition: Number(h['source-partition'] ?? -1), offset: h['source-offset'] ?? '' };
  return {
    cursor: cursorOf(record.timestamp, record.partition, record.offset),
    at: record.timestamp,
    key: letter?.key ?? record.key,
    reason: letter?.reason ?? h.reason ?? 'unknown',
    source,
    record: originalOf(letter?.value),
  };
}

function originalOf(value: string | undefined): DeadLetterEntry['record'] {
  if (value === undefined) return {};
  try {
    const parsed = OriginalSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * `<at>-<partition>-<offset>`, decimals without leading zeros, so cursors compare as number triples.
 *
 * @example
 * cursorOf(1764754000000, 2, '17'); // '1764754000000-2-17'
 */
export function cursorOf(at: number, partition: number, offset: string): string {
  return `${at}-${partition}-${offset}`;
}

/** What a valid cursor looks like. */
export const CURSOR_PATTERN = /^(0|[1-9]\d{0,15})-(0|[1-9]\d{0,8})-(0|[1-9]\d{0,18})$/;

/**
 * Orders cursors (and so entries) by time, then partition, then offset.
 *
 * @example
 * compareCursors('10-0-9', '10-1-0'); // negative
 */
export function compareCursors(a: string, b: string): number {
  const x = a.split('-');
  const y = b.split('-');
  for (let i = 0; i < 3; i++) {
    const d = x[i].length - y[i].length || (x[i] < y[i] ? -1 : x[i] > y[i] ? 1 : 0);
    if (d !== 0) return d;
  }
  return 0;
}
