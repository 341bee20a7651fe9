import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from '../core/queue';
import { FeedbackRecordSchema, type FeedbackRecord } from '../events/feedback';
import { startCatalogFixture, type FixtureItem } from '../../test/support/api/test-catalog-fixture';

const ITEMS: FixtureItem[] = Array.from({ length: 4 }, (_, i) => ({ id: `item-${i}`, label: i % 2 ? 'shoe' : 'bag', input: [i, 1, 2, 3] }));
const KEY = 'write-key-for-sources';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function feedbackRecords(queue: Queue, group: string): Promise<FeedbackRecord[]> {
  const consumer = await queue.consumer({ group, topics: ['feedback'] });
  const out: FeedbackRecord[] = [];
  for (let batch = await consumer.poll(1000, 50); batch.length > 0; batch = await consumer.poll(1000, 50)) {
    out.push(...batch.map((r) => FeedbackRecordSchema.parse(JSON.parse(r.value))));
  }
  await consumer.close();
  return out;
}

describe('the source of feedback events', () => {
  describe('without an API key', () => {
    let f: Awaited<ReturnType<typeof startCatalogFixture>>;
    beforeAll(async () => {
      f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items: ITEMS });
    });
    afterAll(() => f.close());

    it('keeps the source a client sends and writes `anonymous` when it sends none', async () => {
      const res = await post(f.url, {
        events: [
          { type: 'label', itemId: 'item-1', label: 'shoe', source: 'user:4711', eventId: 'with-source' },
          { type: 'pair', a: 'item-1', b: 'item-2', similar: false, eventId: 'without-source' },
        ],
      });
      expect(res.status).toBe(202);
      const byId = Object.fromEntries((await feedbackRecords(f.queue, 'source-check')).map((r) => [r.eventId, r.source]));
      expect(byId).toEqual({ 'with-source': 'user:4711', 'without-source': 'anonymous' });
    });

    it.each([
      ['an empty source', ''],
      ['a source with spaces', 'user 1'],
      ['a source over 128 characters', 'x'.repeat(129)],
      ['a source that is not a string', 42],
    ])('refuses %s with a 400 naming the field', async (_, source) => {
      const res = await post(f.url, { events: [{ type: 'triplet', anchor: 'item-0', positive: 'item-2', negative: 'item-1' }, { type: 'label', itemId: 'item-3', label: 'shoe', source }] });
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { message: string; issues?: { path: string }[] } };
      expect(JSON.stringify(body)).toContain('events.1.source');
    });
  });

  describe('with an API key', () => {
    let f: Awaited<ReturnType<typeof startCatalogFixture>>;
    beforeAll(async () => {
      f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items: ITEMS, env: { DISCERN_API_KEY: KEY } });
    });
    afterAll(() => f.close());

    it('derives the source from the key without writing the key itself', async () => {
      const res = await post(f.url, { events: [{ type: 'label', itemId: 'item-0', label: 'bag', eventId: 'keyed' }] }, { authorization: `Bearer ${KEY}` });
      expect(res.status).toBe(202);
      const records = await feedbackRecords(f.queue, 'keyed-check');
      const expected = `key:${createHash('sha256').update(KEY).digest('hex').slice(0, 12)}`;
      expect(records.map((r) => r.source)).toEqual([expected]);
      expect(JSON.stringify(records)).not.toContain(KEY);
    });
  });
});
