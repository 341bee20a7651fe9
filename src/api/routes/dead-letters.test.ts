import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsumedRecord, TopicName } from '../../core/queue';
import { deadLetterFor } from '../../trainer/dead-letter';
import { startCatalogFixture } from '../../../test/support/api/test-catalog-fixture';

const KEY = 'write-key';
const auth = { 'x-api-key': KEY };

type Page = { deadLetters: { cursor: string; deadLetteredAt: string; key: string; reason: string; source: { topic: string; offset: string }; record: Record<string, string> }[]; nextCursor?: string };

/** A consumed record as the trainer would have read it, to dead-letter. */
function consumed(topic: TopicName, offset: number, key: string, value: unknown): ConsumedRecord {
  return { topic, partition: 0, offset: String(offset), key, value: typeof value === 'string' ? value : JSON.stringify(value), headers: {}, timestamp: 0 };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /v1/dead-letters and rejected item status', () => {
  let f: Awaited<ReturnType<typeof startCatalogFixture>>;
  const list = (query = '', headers: Record<string, string> = auth) => fetch(`${f.url}/v1/dead-letters${query}`, { headers });
  const status = async (id: string) => {
    const res = await fetch(`${f.url}/v1/items/${id}`, { headers: auth });
    return { code: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    f = await startCatalogFixture({
      input: { kind: 'features', features: 2 },
      items: [{ id: 'indexed-1', label: 'x', input: [1, 0] }],
      env: { DISCERN_API_KEY: KEY },
    });
  });
  afterAll(() => f?.close());

  it('lists dead letters newest first, a page at a time, each once', async () => {
    const letters = Array.from({ length: 7 }, (_, i) =>
      deadLetterFor(consumed('items', 100 + i, `bad-${i}`, { schemaVersion: 1, type: 'upsert', id: `bad-${i}`, receivedAt: 1_700_000_000_000 + i }), `image: broken ${i}`),
    );
    await f.queue.publish('dead-letters', letters.slice(0, 4));
    await f.queue.publish('dead-letters', letters.slice(2, 6)); // 2 and 3 again: a repeat after a trainer crash
    await new Promise((r) => setTimeout(r, 20));
    await f.queue.publish('dead-letters', [letters[6], deadLetterFor(consumed('feedback', 5, 'anchor-1', 'not json'), 'value: not JSON')]);

    const pages: Page[] = [];
    let cursor: string | undefined;
    await waitFor('every dead letter', async () => ((await (await list('?limit=1000')).json()) as Page).deadLetters.length === 8 || undefined);
    do {
      const res = await list(`?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.deadLetters.length).toBeLessThanOrEqual(3);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages.map((p) => p.deadLetters.length)).toEqual([3, 3, 2]);
    const all = pages.flatMap((p) => p.deadLetters);
    expect(new Set(all.map((d) => `${d.source.topic}/${d.source.offset}`)).size).toBe(8);
    const times = all.map((d) => Date.parse(d.deadLetteredAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(all.slice(0, 2).map((d) => d.key).sort()).toEqual(['anchor-1', 'bad-6']);
    const bad6 = all.find((d) => d.key === 'bad-6')!;
    expect(bad6).toMatchObject({ reason: 'image: broken 6', source: { topic: 'items', partition: 0, offset: '106' }, record: { type: 'upsert', id: 'bad-6', receivedAt: new Date(1_700_000_000_006).toISOString() } });
    expect(all.find((d) => d.key === 'anchor-1')).toMatchObject({ reason: 'value: not JSON', source: { topic: 'feedback' }, record: {} });
  });

  it('reports an item whose newest write was dead-lettered as rejected, with the reason', async () => {
    expect(await status('bad-3')).toEqual({ code: 200, body: { id: 'bad-3', status: 'rejected', reason: 'image: broken 3', rejectedAt: expect.any(String) } });
    // A later write supersedes the rejection: pending until indexed.
    const post = await fetch(`${f.url}/v1/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ items: [{ id: 'bad-3', vector: [0, 1] }] }) });
    expect(post.status).toBe(202);
    expect((await status('bad-3')).body).toMatchObject({ status: 'pending', acceptedAt: expect.any(String) });
    expect(await status('indexed-1')).toEqual({ code: 200, body: { id: 'indexed-1', status: 'indexed', label: 'x', modelVersion: 'v000001' } });
    expect((await status('never-seen')).code).toBe(404);
  });

  it('needs the API key, and validates limit and cursor, naming the field', async () => {
    expect((await list('', {})).status).toBe(401);
    expect((await list('', { 'x-api-key': 'wrong' })).status).toBe(403);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=1001', 'limit'],
      ['?limit=ten', 'limit'],
      ['?cursor=abc', 'cursor'],
      ['?cursor=01-0-0', 'cursor'],
    ]) {
      const res = await list(query);
      expect(res.status, query).toBe(400);
      const body = (await res.json()) as { error: { issues: { path: string }[] } };
      expect(body.error.issues.map((i) => i.path), query).toEqual([field]);
    }
    const past = (await (await list('?cursor=0-0-0')).json()) as Page;
    expect(past).toEqual({ deadLetters: [] });
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${f.url}/openapi.json`)).json()) as Record<string, any>;
    const route = doc.paths['/v1/dead-letters'].get;
    expect(route.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(route.security).toEqual([{ apiKey: [] }, { bearer: [] }]);
    expect(doc.components.schemas.DeadLetterPage).toBeDefined();
    expect(doc.components.schemas.ItemStatus.properties.status.enum).toEqual(['pending', 'indexed', 'rejected']);
  });
});
