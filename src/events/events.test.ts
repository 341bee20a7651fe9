import { describe, expect, it } from 'vitest';
import { FeedbackRecordSchema, FeedbackSchema, feedbackKey } from './feedback';
import { ItemIdSchema } from './ids';
import { ItemRecordSchema, ItemSchema } from './item';
import { EVENT_LIMITS } from './limits';

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => result.error?.issues.map((i) => i.path.join('.')) ?? [];
const PNG_1x1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

describe('ItemSchema', () => {
  it('accepts each content kind, or none, and defaults schemaVersion to 1', () => {
    expect(ItemSchema.parse({ id: 'a.b:c-d_1' })).toEqual({ id: 'a.b:c-d_1', schemaVersion: 1 });
    expect(ItemSchema.parse({ id: 'x', image: PNG_1x1 }).image).toBe(PNG_1x1);
    expect(ItemSchema.parse({ id: 'x', vector: [1, -2.5] }).vector).toEqual([1, -2.5]);
    const pixels = { width: 2, height: 1, channels: 3, data: [0, 1, 2, 3, 4, 255] };
    expect(ItemSchema.parse({ id: 'x', label: 'l', attributes: { a: 1, b: 'two', c: false }, pixels }).pixels).toEqual(pixels);
  });

  it('refuses more than one content field, and names the second', () => {
    expect(paths(ItemSchema.safeParse({ id: 'x', image: PNG_1x1, vector: [1] }))).toEqual(['vector']);
  });

  it('bounds ids, attributes and vectors', () => {
    expect(ItemIdSchema.safeParse('a'.repeat(EVENT_LIMITS.idMaxChars)).success).toBe(true);
    expect(ItemIdSchema.safeParse('a'.repeat(EVENT_LIMITS.idMaxChars + 1)).success).toBe(false);
    for (const bad of ['', 'a/b', 'a b', 'é', 'a\n']) expect(ItemIdSchema.safeParse(bad).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: EVENT_LIMITS.attributesMaxKeys + 1 }, (_, i) => [`k${i}`, i]));
    expect(paths(ItemSchema.safeParse({ id: 'x', attributes: many }))).toEqual(['attributes']);
    expect(paths(ItemSchema.safeParse({ id: 'x', vector: [] }))).toEqual(['vector']);
    expect(paths(ItemSchema.safeParse({ id: 'x', vector: [1, '2'] }))).toEqual(['vector.1']);
    expect(paths(ItemSchema.safeParse({ id: 'x', vector: [1, Infinity] }))).toEqual(['vector.1']);
  });

  it('checks pixel data length and range, naming the offending index', () => {
    const base = { width: 2, height: 2, channels: 1 };
    expect(paths(ItemSchema.safeParse({ id: 'x', pixels: { ...base, data: [1, 2, 3] } }))).toEqual(['pixels.data']);
    expect(paths(ItemSchema.safeParse({ id: 'x', pixels: { ...base, data: [1, 2, -1, 3] } }))).toEqual(['pixels.data.2']);
    expect(paths(ItemSchema.safeParse({ id: 'x', pixels: { ...base, data: [1, 2, 3, null] } }))).toEqual(['pixels.data.3']);
    expect(paths(ItemSchema.safeParse({ id: 'x', pixels: { ...base, channels: 4, data: [] } }))).toContain('pixels.channels');
  });

  it('accepts only base64 PNG or JPEG', () => {
    expect(paths(ItemSchema.safeParse({ id: 'x', image: 'abc' }))).toEqual(['image']);
    expect(paths(ItemSchema.safeParse({ id: 'x', image: Buffer.from('GIF89a....').toString('base64') }))).toEqual(['image']);
    expect(ItemSchema.safeParse({ id: 'x', image: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]).toString('base64') }).success).toBe(true);
  });

  it('parses upsert and delete records from the items topic', () => {
    expect(ItemRecordSchema.parse({ type: 'upsert', id: 'a', receivedAt: 5, label: 'l' })).toMatchObject({ type: 'upsert', schemaVersion: 1 });
    expect(ItemRecordSchema.parse({ type: 'delete', id: 'a', receivedAt: 5 })).toEqual({ type: 'delete', id: 'a', receivedAt: 5, schemaVersion: 1 });
    expect(ItemRecordSchema.safeParse({ type: 'delete', id: 'a', receivedAt: 5, label: 'x' }).success).toBe(false);
  });
});

describe('FeedbackSchema', () => {
  it('accepts label, pair and triplet events with optional common fields', () => {
    expect(FeedbackSchema.parse({ type: 'label', itemId: 'a', label: 'l' })).toEqual({ type: 'label', itemId: 'a', label: 'l', schemaVersion: 1 });
    const pair = { type: 'pair', a: 'a', b: 'b', similar: false, eventId: 'e1', weight: 100, source: 'ui', timestamp: '2026-01-01T00:00:00.5+02:00' };
    expect(FeedbackSchema.parse(pair)).toEqual({ ...pair, schemaVersion: 1 });
    expect(FeedbackSchema.parse({ type: 'triplet', anchor: 'a', positive: 'b', negative: 'c' }).type).toBe('triplet');
  });

  it('names the field of each mistake', () => {
    expect(paths(FeedbackSchema.safeParse({ type: 'triplet', anchor: 'a', positive: 'a', negative: 'c' }))).toEqual(['positive']);
    expect(paths(FeedbackSchema.safeParse({ type: 'triplet', anchor: 'a', positive: 'b', negative: 'b' }))).toEqual(['negative']);
    expect(paths(FeedbackSchema.safeParse({ type: 'pair', a: 'a', b: 'a', similar: true }))).toEqual(['b']);
    expect(paths(FeedbackSchema.safeParse({ type: 'vote', itemId: 'a' }))).toEqual(['type']);
    expect(paths(FeedbackSchema.safeParse({ type: 'label', itemId: 'a', label: 'l', weight: -1 }))).toEqual(['weight']);
    expect(paths(FeedbackSchema.safeParse({ type: 'label', itemId: 'a', label: 'l', extra: 1 }))).toEqual(['']);
    expect(paths(FeedbackSchema.safeParse({ type: 'label', itemId: 'a', label: 'l', schemaVersion: 2 }))).toEqual(['schemaVersion']);
  });

  it('requires eventId and receivedAt on topic records', () => {
    expect(FeedbackRecordSchema.safeParse({ type: 'label', itemId: 'a', label: 'l', receivedAt: 1 }).success).toBe(false);
    expect(FeedbackRecordSchema.parse({ type: 'label', itemId: 'a', label: 'l', receivedAt: 1, eventId: 'e' }).eventId).toBe('e');
  });

  it('keys events by the item they concern', () => {
    expect(feedbackKey({ type: 'label', itemId: 'i' })).toBe('i');
    expect(feedbackKey({ type: 'pair', a: 'p' })).toBe('p');
    expect(feedbackKey({ type: 'triplet', anchor: 'q' })).toBe('q');
  });
});
