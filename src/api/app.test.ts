import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionForVersion } from '../core/catalog-naming';
import { QueueUnavailableError, type ConsumedRecord, type Queue, type TopicName } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { FeedbackRecordSchema } from '../events/feedback';
import { ItemRecordSchema } from '../events/item';
import { failingQueue } from '../../test/support/api/failing-queue';
import { startCatalogFixture, type FixtureItem } from '../../test/support/api/test-catalog-fixture';

const SIDE = 4;
const grid = (seed: number) => Array.from({ length: SIDE * SIDE }, (_, i) => (seed * 37 + i * (seed + 3) * 11) % 256);
const ITEMS: FixtureItem[] = Array.from({ length: 12 }, (_, i) => ({
  id: `item-${i}`,
  label: i % 3 === 0 ? 'shoe' : 'bag',
  attributes: { size: i, even: i % 2 === 0 },
  input: grid(i),
}));

/** Reference embedding, computed here from the catalog's projection matrix. */
function reference(rows: Float32Array[], x: number[]): number[] {
  const e = rows.map((row) => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += row[j] * x[j];
    return s;
  });
  const norm = Math.sqrt(e.reduce((a, v) => a + v * v, 0));
  return e.map((v) => v / norm);
}
const cosine = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

async function drain(queue: Queue, topic: TopicName, group: string): Promise<ConsumedRecord[]> {
  const consumer = await queue.consumer({ group, topics: [topic] });
  const out: ConsumedRecord[] = [];
  for (;;) {
    const batch = await consumer.poll(1000, 50);
    if (batch.length === 0) break;
    out.push(...batch);
  }
  await consumer.close();
  return out;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('HTTP API over the embedded queue and vector store', () => {
  let f: Awaited<ReturnType<typeof startCatalogFixture>>;
  beforeAll(async () => {
    f = await startCatalogFixture({ input: { kind: 'image', height: SIDE, width: SIDE, channels: 1 }, items: ITEMS });
  });
  afterAll(() => f.close());

  it('accepts items only once they are in the queue, keyed by id, with a request id', async () => {
    const items = [
      { id: 'new-1', label: 'shoe', pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(40) } },
      // Metadata-only updates: of an indexed item, and of an item added earlier in the batch.
      { id: 'item-2', attributes: { color: 'red' } },
      { id: 'new-1', label: 'boot' },
    ];
    const res = await post(`${f.url}/v1/items`, { items });
    expect(res.status).toBe(202);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    expect(await res.json()).toEqual({ accepted: 3, ids: ['new-1', 'item-2', 'new-1'] });
    const deleted = await fetch(`${f.url}/v1/items/item-2`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    expect(await deleted.json()).toEqual({ accepted: 1, ids: ['item-2'] });

    const records = await drain(f.queue, 'items', 'items-check');
    const parsed = records.map((r) => ({ key: r.key, record: ItemRecordSchema.parse(JSON.parse(r.value)) }));
    const byKey = (key: string) => parsed.filter((p) => p.key === key).map((p) => p.record);
    expect(byKey('new-1')).toEqual([
      expect.objectContaining({ type: 'upsert', schemaVersion: 1, id: 'new-1', label: 'shoe', pixels: items[0].pixels }),
      expect.objectContaining({ type: 'upsert', id: 'new-1', label: 'boot' }),
    ]);
    expect(byKey('item-2').map((r) => r.type)).toEqual(['upsert', 'delete']);
    expect(parsed).toHaveLength(4);
  });

  it('keys feedback by the item it concerns, assigns missing event ids and skips recent repeats', async () => {
    const events = [
      { type: 'label', itemId: 'item-1', label: 'bag', eventId: 'evt-1' },
      { type: 'pair', a: 'item-6', b: 'item-3', similar: false, weight: 2.5, source: 'ui' },
      { type: 'triplet', anchor: 'item-4', positive: 'item-7', negative: 'item-5', timestamp: '2026-01-02T03:04:05Z' },
    ];
    const res = await post(`${f.url}/v1/feedback`, { events });
    expect(res.status).toBe(202);
    const body = (await res.json()) as { accepted: number; ids: string[]; duplicates: number };
    expect(body.accepted).toBe(3);
    expect(body.duplicates).toBe(0);
    expect(body.ids[0]).toBe('evt-1');
    expect(body.ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(body.ids).size).toBe(3);

    const retry = await post(`${f.url}/v1/feedback`, { events: [events[0], { ...events[0] }] });
    expect(await retry.json()).toEqual({ accepted: 2, ids: ['evt-1', 'evt-1'], duplicates: 2 });

    const records = await drain(f.queue, 'feedback', 'feedback-check');
    expect(records).toHaveLength(3);
    const byKey = Object.fromEntries(records.map((r) => [r.key, FeedbackRecordSchema.parse(JSON.parse(r.value))]));
    expect(Object.keys(byKey).sort()).toEqual(['item-1', 'item-4', 'item-6']);
    expect(byKey['item-1']).toMatchObject({ type: 'label', eventId: 'evt-1', label: 'bag', schemaVersion: 1 });
    expect(byKey['item-6']).toMatchObject({ type: 'pair', eventId: body.ids[1], weight: 2.5, source: 'ui' });
    expect(byKey['item-4']).toMatchObject({ type: 'triplet', eventId: body.ids[2], negative: 'item-5' });
    expect(typeof byKey['item-4'].receivedAt).toBe('number');
  });

  it('embeds pixels and PNG images with the live model version', async () => {
    const res = await post(`${f.url}/v1/embed`, { pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(3) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { modelVersion: string; embedding: number[] };
    expect(body.modelVersion).toBe('v000001');
    const expected = reference(f.catalog.projection('v000001'), grid(3));
    body.embedding.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));

    const sharp = (await import('sharp')).default;
    const png = await sharp(Buffer.from(grid(5)), { raw: { width: SIDE, height: SIDE, channels: 1 } }).png().toBuffer();
    const fromPng = (await (await post(`${f.url}/v1/embed`, { image: png.toString('base64') })).json()) as { embedding: number[] };
    const expectedPng = reference(f.catalog.projection('v000001'), grid(5));
    fromPng.embedding.forEach((v, i) => expect(v).toBeCloseTo(expectedPng[i], 5));
  });

  it('searches by pixels, by item id and with filters, in brute-force order', async () => {
    const rows = f.catalog.projection('v000001');
    const indexed = ITEMS.map((item) => ({ ...item, e: reference(rows, item.input) }));
    const q = reference(rows, grid(100));
    const bruteForce = indexed.map((it) => ({ id: it.id, score: cosine(q, it.e), label: it.label })).sort((a, b) => b.score - a.score);

    const res = await post(`${f.url}/v1/search`, { pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(100) }, k: 5 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { modelVersion: string; results: { id: string; score: number; label: string }[] };
    expect(body.modelVersion).toBe('v000001');
    expect(body.results.map((r) => r.id)).toEqual(bruteForce.slice(0, 5).map((r) => r.id));
    body.results.forEach((r, i) => expect(r.score).toBeCloseTo(bruteForce[i].score, 4));

    const filtered = (await (await post(`${f.url}/v1/search`, { pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(100) }, filter: { label: 'shoe', attributes: { even: true } } })).json()) as typeof body;
    expect(filtered.results.map((r) => r.id)).toEqual(bruteForce.filter((r) => r.label === 'shoe' && Number(r.id.split('-')[1]) % 2 === 0).map((r) => r.id));

    const self = indexed[4];
    const like = indexed.filter((it) => it.id !== self.id).map((it) => ({ id: it.id, score: cosine(self.e, it.e) })).sort((a, b) => b.score - a.score);
    const byId = (await (await post(`${f.url}/v1/search`, { itemId: self.id, k: 3 })).json()) as typeof body;
    expect(byId.results.map((r) => r.id)).toEqual(like.slice(0, 3).map((r) => r.id));
  });

  it('reads an item from the live collection', async () => {
    const res = await fetch(`${f.url}/v1/items/item-3`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: 'item-3', status: 'indexed', label: 'shoe', attributes: { size: 3, even: false }, modelVersion: 'v000001' });
  });

  it('describes the model and serves the OpenAPI document from the same schemas', async () => {
    const model = (await (await fetch(`${f.url}/v1/model`)).json()) as Record<string, any>;
    expect(model.current.id).toBe('v000002');
    expect(model.history.map((h: { id: string }) => h.id)).toEqual(['v000002', 'v000001']);
    expect(model.live).toEqual({ alias: 'catalog', collection: 'catalog_v000001', modelVersion: 'v000001' });

    const doc = (await (await fetch(`${f.url}/openapi.json`)).json()) as Record<string, any>;
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/collections/{collection}',
      '/v1/collections/{collection}/points/{id}',
      '/v1/collections/{collection}/search',
      '/v1/dead-letters',
      '/v1/embed',
      '/v1/feedback',
      '/v1/items',
      '/v1/items/{id}',
      '/v1/items/{id}/thumbnail',
      '/v1/live',
      '/v1/model',
      '/v1/models/{version}',
      '/v1/models/{version}/model.onnx',
      '/v1/recommend',
      '/v1/search',
      '/v1/search/batch',
    ]);
    expect(doc.components.schemas.Item.properties.pixels).toBeDefined();
    expect(doc.components.schemas.Feedback.oneOf).toHaveLength(3);
    expect(doc.paths['/v1/items'].post.responses['503']).toBeDefined();
  });

  it('reports health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${f.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${f.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { queue: { ok: true }, vectorStore: expect.objectContaining({ ok: true }) } });
    const metrics = await (await fetch(`${f.url}/metrics`)).text();
    expect(metrics).toMatch(/discern_http_requests_total\{method="POST",route="\/v1\/items",status="202"\} 1/);
    expect(metrics).toMatch(/discern_events_accepted_total\{topic="feedback"\} 3/);
    expect(metrics).toMatch(/discern_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/v1\/items\/:id",status="200"\}/);
  });
});

describe('version consistency while the live alias moves', () => {
  it('embeds with and searches the collection resolved at the start of the request', async () => {
    let moveAfterResolve = false;
    const f = await startCatalogFixture({
      input: { kind: 'features', features: 5 },
      items: [
        { id: 'a', label: 'x', input: [1, 0, 0, 0, 0] },
        { id: 'b', label: 'y', input: [0, 1, 0, 0, 0] },
      ],
      wrapVectorStore: (store): VectorStore =>
        new Proxy(store, {
          get(target, prop, receiver) {
            if (prop === 'resolveAlias') {
              return async (alias: string) => {
                const resolved = await target.resolveAlias(alias);
                // A publish lands right after this request resolved the alias.
                if (moveAfterResolve) await target.setAlias('catalog', collectionForVersion('catalog', 'v000002'));
                return resolved;
              };
            }
            const value = Reflect.get(target, prop, receiver);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
    });
    try {
      await f.store.upsert(collectionForVersion('catalog', 'v000002'), [{ id: 'only-in-v2', vector: new Float32Array(8).fill(1), payload: {} }]);
      moveAfterResolve = true;
      const res = await post(`${f.url}/v1/search`, { vector: [1, 0, 0, 0, 0], k: 10 });
      const body = (await res.json()) as { modelVersion: string; results: { id: string }[] };
      expect(body.modelVersion).toBe('v000001');
      expect(f.catalog.calls.map((c) => c.version)).toEqual(['v000001']);
      expect(body.results.map((r) => r.id).sort()).toEqual(['a', 'b']);
      expect(body.results[0].id).toBe('a');
      moveAfterResolve = false;
      const next = (await (await post(`${f.url}/v1/search`, { vector: [1, 0, 0, 0, 0], k: 10 })).json()) as typeof body;
      expect(next.modelVersion).toBe('v000002');
      expect(next.results.map((r) => r.id)).toContain('only-in-v2');
      expect(f.catalog.calls.map((c) => c.version)).toEqual(['v000001', 'v000002']);
    } finally {
      await f.close();
    }
  });
});

describe('queue failures', () => {
  const payloads = {
    '/v1/items': { items: [{ id: 'x1', label: 'a' }] },
    '/v1/feedback': { events: [{ type: 'label', itemId: 'x1', label: 'a' }] },
  };

  for (const [name, error, retryAfter] of [
    ['QueueUnavailableError', new QueueUnavailableError('broker down', 7), '7'],
    ['any other error', new Error('disk on fire'), '5'],
  ] as const) {
    it(`answers 503 with Retry-After, never 202, when publish throws ${name}`, async () => {
      const queue = failingQueue(error);
      const f = await startCatalogFixture({ input: { kind: 'features', features: 3 }, items: [{ id: 'x1', label: 'a', input: [1, 2, 3] }], wrapQueue: () => queue });
      try {
        for (const [path, body] of Object.entries(payloads)) {
          const res = await post(`${f.url}${path}`, body);
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toBe(retryAfter);
          expect(((await res.json()) as { error: { code: string } }).error.code).toBe('queue_unavailable');
        }
        const del = await fetch(`${f.url}/v1/items/x1`, { method: 'DELETE' });
        expect(del.status).toBe(503);
        expect(queue.attempts).toBe(3);
        const ready = await fetch(`${f.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as any).checks.queue).toEqual({ ok: false, detail: error.message });
        const metrics = await (await fetch(`${f.url}/metrics`)).text();
        expect(metrics).toMatch(/discern_queue_unavailable_total\{topic="items"\} 2/);
        expect(metrics).not.toMatch(/status="202"/);
      } finally {
        await f.close();
      }
    });
  }

  it('answers 503 when the real embedded queue has been closed', async () => {
    const f = await startCatalogFixture({ input: { kind: 'features', features: 3 }, items: [{ id: 'x1', label: 'a', input: [1, 2, 3] }] });
    try {
      await f.queue.close();
      const res = await post(`${f.url}/v1/items`, payloads['/v1/items']);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await f.close();
    }
  });
});
