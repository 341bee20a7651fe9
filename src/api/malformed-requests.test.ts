import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogFixture } from '../../test/support/api/test-catalog-fixture';

const KEY = 'test-key-123';
const MAX_BODY = 64 * 1024;
const MAX_BATCH = 50;
const MAX_QUERY_PIXELS = 10_000;
const env = { DISCERN_API_KEY: KEY, MAX_BODY_BYTES: String(MAX_BODY), MAX_BATCH_ITEMS: String(MAX_BATCH), MAX_QUERY_PIXELS: String(MAX_QUERY_PIXELS) };

interface Case {
  name: string;
  method?: string;
  path: string;
  /** Objects are sent as JSON; strings are sent verbatim. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Which server: the image model (4×4×1) or the feature model (6 features). */
  server?: 'image' | 'features';
  status: number;
  code?: string;
  /** An issue must name this path. */
  field?: string;
}

const px = (data: number[], width = 2, height = 2, channels = 1) => ({ width, height, channels, data });
const item = (extra: Record<string, unknown>) => ({ items: [{ id: 'ok-1' }, { id: 'ok-2', ...extra }] });
const fb = (event: Record<string, unknown>) => ({ events: [{ type: 'label', itemId: 'a', label: 'x' }, event] });
const text = Buffer.from('hello, this is plain text and not an image').toString('base64');
const corruptPng = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 7)]).toString('base64');
const widePng = (await sharp({ create: { width: 200, height: 100, channels: 3, background: '#808080' } }).png().toBuffer()).toString('base64');

const CASES: Case[] = [
  { name: 'truncated JSON', path: '/v1/items', body: '{"items": [', status: 400, code: 'invalid_json' },
  { name: 'NaN token (not JSON)', path: '/v1/feedback', body: '{"events":[{"type":"label","itemId":"a","label":"x","weight":NaN}]}', status: 400, code: 'invalid_json' },
  { name: 'weight "NaN" as a string', path: '/v1/feedback', body: fb({ type: 'pair', a: 'a', b: 'b', similar: true, weight: 'NaN' }), status: 400, field: 'events.1.weight' },
  { name: 'weight 1e400 (parses to Infinity)', path: '/v1/feedback', body: '{"events":[{"type":"label","itemId":"a","label":"x","weight":1e400}]}', status: 400, field: 'events.0.weight' },
  { name: 'vector value -1e999 (-Infinity)', path: '/v1/items', body: '{"items":[{"id":"v","vector":[1,-1e999]}]}', status: 400, field: 'items.0.vector.1' },
  { name: 'content-type text/plain', path: '/v1/items', body: '{"items":[{"id":"a"}]}', headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' },
  { name: 'content-type form', path: '/v1/feedback', body: 'a=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
  { name: 'body over MAX_BODY_BYTES', path: '/v1/items', body: { items: [{ id: 'big', label: 'x'.repeat(MAX_BODY) }] }, status: 413, code: 'payload_too_large' },
  { name: 'empty item batch', path: '/v1/items', body: { items: [] }, status: 400, field: 'items' },
  { name: 'empty feedback batch', path: '/v1/feedback', body: { events: [] }, status: 400, field: 'events' },
  { name: 'too many items', path: '/v1/items', body: { items: Array.from({ length: MAX_BATCH + 1 }, (_, i) => ({ id: `i${i}` })) }, status: 413, code: 'batch_too_large', field: 'items' },
  { name: 'too many events', path: '/v1/feedback', body: { events: Array.from({ length: MAX_BATCH + 1 }, () => ({ type: 'label', itemId: 'a', label: 'b' })) }, status: 413, field: 'events' },
  { name: 'items is not an array', path: '/v1/items', body: { items: { id: 'a' } }, status: 400, field: 'items' },
  { name: 'body is an array', path: '/v1/items', body: [{ id: 'a' }], status: 400, field: '(body)' },
  { name: 'body is null', path: '/v1/feedback', body: 'null', status: 400, field: '(body)' },
  { name: 'misspelt top-level field', path: '/v1/items', body: { itemz: [] }, status: 400, field: 'items' },
  { name: 'unknown item field', path: '/v1/items', body: item({ pixel: px([1, 2, 3, 4]) }), status: 400, field: 'items.1' },
  { name: 'id with a space', path: '/v1/items', body: item({ id: 'a b' }), status: 400, field: 'items.1.id' },
  { name: 'id of 257 characters', path: '/v1/items', body: item({ id: 'a'.repeat(257) }), status: 400, field: 'items.1.id' },
  { name: 'id as a number', path: '/v1/items', body: item({ id: 42 }), status: 400, field: 'items.1.id' },
  { name: 'image not base64', path: '/v1/items', body: item({ image: 'not base64!!' }), status: 400, field: 'items.1.image' },
  { name: 'base64 of text, not an image', path: '/v1/items', body: item({ image: text }), status: 400, field: 'items.1.image' },
  { name: 'pixels length mismatch', path: '/v1/items', body: item({ pixels: px([1, 2, 3]) }), status: 400, field: 'items.1.pixels.data' },
  { name: 'pixel value 256', path: '/v1/items', body: item({ pixels: px([0, 1, 2, 256]) }), status: 400, field: 'items.1.pixels.data.3' },
  { name: 'fractional pixel value', path: '/v1/items', body: item({ pixels: px([1.5, 1, 2, 3]) }), status: 400, field: 'items.1.pixels.data.0' },
  { name: 'two channels', path: '/v1/items', body: item({ pixels: px([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 2) }), status: 400, field: 'items.1.pixels.channels' },
  { name: 'image and pixels together', path: '/v1/items', body: item({ image: corruptPng, pixels: px([1, 2, 3, 4]) }), status: 400, field: 'items.1.pixels' },
  { name: 'attribute value is an object', path: '/v1/items', body: item({ attributes: { color: { r: 1 } } }), status: 400, field: 'items.1.attributes.color' },
  { name: 'empty label', path: '/v1/items', body: item({ label: '' }), status: 400, field: 'items.1.label' },
  { name: 'unknown feedback type', path: '/v1/feedback', body: fb({ type: 'like', itemId: 'a' }), status: 400, field: 'events.1.type' },
  { name: 'feedback without type', path: '/v1/feedback', body: fb({ itemId: 'a', label: 'x' }), status: 400, field: 'events.1.type' },
  { name: 'triplet with a repeated id', path: '/v1/feedback', body: fb({ type: 'triplet', anchor: 'a', positive: 'b', negative: 'a' }), status: 400, field: 'events.1.negative' },
  { name: 'pair of one item with itself', path: '/v1/feedback', body: fb({ type: 'pair', a: 'a', b: 'a', similar: true }), status: 400, field: 'events.1.b' },
  { name: 'label feedback without label', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a' }), status: 400, field: 'events.1.label' },
  { name: 'weight 0', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a', label: 'x', weight: 0 }), status: 400, field: 'events.1.weight' },
  { name: 'weight 101', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a', label: 'x', weight: 101 }), status: 400, field: 'events.1.weight' },
  { name: 'similar as a string', path: '/v1/feedback', body: fb({ type: 'pair', a: 'a', b: 'b', similar: 'yes' }), status: 400, field: 'events.1.similar' },
  { name: 'timestamp not ISO 8601', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a', label: 'x', timestamp: 'yesterday' }), status: 400, field: 'events.1.timestamp' },
  { name: 'eventId with a slash', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a', label: 'x', eventId: 'a/b' }), status: 400, field: 'events.1.eventId' },
  { name: 'missing API key', path: '/v1/items', body: { items: [{ id: 'a' }] }, headers: { 'x-api-key': '' }, status: 401, code: 'unauthorized' },
  { name: 'wrong API key', path: '/v1/feedback', body: fb({ type: 'label', itemId: 'a', label: 'x' }), headers: { 'x-api-key': 'nope' }, status: 403, code: 'forbidden' },
  { name: 'wrong bearer token', method: 'DELETE', path: '/v1/items/a', headers: { 'x-api-key': '', authorization: 'Bearer nope' }, status: 403 },
  { name: 'delete with an invalid id', method: 'DELETE', path: '/v1/items/a%20b', status: 400, field: 'id' },
  { name: 'get with an invalid id', method: 'GET', path: '/v1/items/a%2Fb', status: 400, field: 'id' },
  { name: 'get an unknown item', method: 'GET', path: '/v1/items/nobody', status: 404, code: 'item_not_found', field: 'id' },
  { name: 'search k = 0', path: '/v1/search', body: { itemId: 'a0', k: 0 }, status: 400, field: 'k' },
  { name: 'search k = 1001', path: '/v1/search', body: { itemId: 'a0', k: 1001 }, status: 400, field: 'k' },
  { name: 'search k = 2.5', path: '/v1/search', body: { itemId: 'a0', k: 2.5 }, status: 400, field: 'k' },
  { name: 'search without a query', path: '/v1/search', body: { k: 3 }, status: 400, field: '(body)' },
  { name: 'search with two queries', path: '/v1/search', body: { itemId: 'a0', vector: [1] }, status: 400, field: 'vector' },
  { name: 'search by an unknown item id', path: '/v1/search', body: { itemId: 'ghost' }, status: 404, field: 'itemId' },
  { name: 'search filter with an unknown key', path: '/v1/search', body: { itemId: 'a0', filter: { colour: 'red' } }, status: 400, field: 'filter' },
  { name: 'search vector of the wrong dimension', server: 'features', path: '/v1/search', body: { vector: [1, 2, 3] }, status: 400, code: 'wrong_dimension', field: 'vector' },
  { name: 'embed vector of the wrong dimension', server: 'features', path: '/v1/embed', body: { vector: [1, 2, 3, 4, 5, 6, 7] }, status: 400, field: 'vector' },
  { name: 'embed pixels for a feature model', server: 'features', path: '/v1/embed', body: { pixels: px([1, 2, 3, 4]) }, status: 400, field: 'pixels' },
  { name: 'embed a vector for an image model', path: '/v1/embed', body: { vector: [1, 2] }, status: 400, field: 'vector' },
  { name: 'embed a corrupt PNG', path: '/v1/embed', body: { image: corruptPng }, status: 400, code: 'invalid_image', field: 'image' },
  { name: 'embed with nothing', path: '/v1/embed', body: {}, status: 400, field: '(body)' },
  { name: 'unknown route', method: 'GET', path: '/v1/nothing', status: 404, code: 'not_found' },
  { name: 'search filter with an attribute name the store refuses', path: '/v1/search', body: { itemId: 'a0', filter: { attributes: { 'color.primary': 'red' } } }, status: 400, field: 'filter.attributes.color.primary' },
  { name: 'search filter with a __proto__ attribute', path: '/v1/search', body: '{"itemId":"a0","filter":{"attributes":{"__proto__":{"a":1}}}}', status: 400, field: 'filter.attributes.__proto__' },
  { name: 'item with a __proto__ attribute', path: '/v1/items', body: '{"items":[{"id":"p1","attributes":{"\\u005f_proto__":"x"}}]}', status: 400, field: 'items.0.attributes.__proto__' },
  { name: 'collection search, vector of the wrong dimension', path: '/v1/collections/catalog_v000001/search', body: { vector: [1, 2, 3] }, status: 400, field: 'vector' },
  { name: 'collection search, filter attribute name the store refuses', path: '/v1/collections/catalog_v000001/search', body: { vector: [1, 0, 0, 0, 0, 0, 0, 0], filter: { attributes: { 'a[0]': 1 } } }, status: 400, field: 'filter.attributes.a[0]' },
  { name: 'collection search, a value beyond float32', path: '/v1/collections/catalog_v000001/search', body: { vector: [1, 0, 0, 0, 0, 0, 0, 1e300] }, status: 200 },
  { name: 'collection of another service', path: '/v1/collections/other_v000001/search', body: { vector: [1, 0, 0, 0, 0, 0, 0, 0] }, status: 404, field: 'collection' },
  { name: 'collection of this alias but no version', method: 'GET', path: '/v1/collections/catalog_tmp/points/a0', status: 404, field: 'collection' },
  { name: 'collection that does not exist', method: 'GET', path: '/v1/collections/catalog_v000009/points/a0', status: 404, field: 'collection' },
  { name: 'model version starting with a dot', method: 'GET', path: '/v1/models/.x', status: 404, code: 'model_not_found', field: 'version' },
  { name: 'model file of a version starting with a dash', method: 'GET', path: '/v1/models/-x/model.onnx', status: 404, field: 'version' },
  { name: 'model version starting with an underscore', method: 'GET', path: '/v1/models/_x', status: 404, field: 'version' },
  { name: 'model version of the wrong shape', method: 'GET', path: '/v1/models/v1', status: 404, field: 'version' },
  { name: 'PUT on the items route', method: 'PUT', path: '/v1/items', body: { items: [{ id: 'a' }] }, status: 405, code: 'method_not_allowed' },
  { name: 'PATCH on an item', method: 'PATCH', path: '/v1/items/a0', status: 405 },
  { name: 'embed pixels over MAX_QUERY_PIXELS', path: '/v1/embed', body: { pixels: px(new Array(101 * 100).fill(1), 101, 100) }, status: 413, code: 'query_too_large', field: 'pixels' },
  { name: 'search an image over MAX_QUERY_PIXELS', path: '/v1/search', body: { image: widePng }, status: 413, field: 'image' },
  { name: 'embed a feature value beyond float32', server: 'features', path: '/v1/embed', body: { vector: [1, 2, 3, 4, 5, 1e39] }, status: 400, field: 'vector.5' },
  { name: 'search a feature value beyond float32', server: 'features', path: '/v1/search', body: { vector: [1, 2, 3, 4, 5, -1e300] }, status: 400, field: 'vector.5' },
];

describe('malformed requests get the documented status, naming the field, and the server keeps serving', () => {
  const servers = {} as Record<'image' | 'features', Awaited<ReturnType<typeof startCatalogFixture>>>;
  beforeAll(async () => {
    const grid = (s: number) => Array.from({ length: 16 }, (_, i) => (s * 31 + i * 7) % 256);
    servers.image = await startCatalogFixture({
      input: { kind: 'image', height: 4, width: 4, channels: 1 },
      items: Array.from({ length: 3 }, (_, i) => ({ id: `a${i}`, label: 'l', input: grid(i) })),
      env,
    });
    servers.features = await startCatalogFixture({
      input: { kind: 'features', features: 6 },
      items: Array.from({ length: 3 }, (_, i) => ({ id: `a${i}`, label: 'l', input: [i, 1, 2, 3, 4, 5] })),
      env,
    });
  });
  afterAll(async () => {
    await servers.image?.close();
    await servers.features?.close();
  });

  it('has at least 30 distinct cases', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CASES) {
    it(`${c.name} → ${c.status}`, async () => {
      const server = servers[c.server ?? 'image'];
      const method = c.method ?? 'POST';
      const headers: Record<string, string> = { 'x-api-key': KEY, ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}), ...c.headers };
      for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
      const body = c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
      const res = await fetch(`${server.url}${c.path}`, { method, headers, body });
      const json = (await res.json()) as { error: { code: string; message: string; requestId: string; issues?: { path: string; message: string }[] }; results?: { score: number }[] };
      expect({ status: res.status, error: json.error }).toMatchObject({ status: c.status });
      if (c.status === 200) {
        expect(json.results?.length).toBeGreaterThan(0);
        for (const r of json.results!) expect(Number.isFinite(r.score)).toBe(true);
        return;
      }
      expect(json.error.message.length).toBeGreaterThan(0);
      expect(json.error.requestId).toBe(res.headers.get('x-request-id'));
      if (c.code) expect(json.error.code).toBe(c.code);
      if (c.field) expect(json.error.issues?.map((i) => i.path)).toContain(c.field);
      if (c.status === 503 || c.status === 401) expect(res.headers.get(c.status === 401 ? 'www-authenticate' : 'retry-after')).toBeTruthy();
      if (c.status === 405) expect(res.headers.get('allow')).toMatch(/^[A-Z, ]+$/);
      if (c.status === 400 || c.status === 413) expect(json.error.issues?.length).toBeGreaterThan(0);
      const alive = await fetch(`${server.url}/healthz`);
      expect(alive.status).toBe(200);
    });
  }

  it('refuses a streamed (chunked) body over MAX_BODY_BYTES with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${servers.image.url}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': KEY },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await fetch(`${servers.image.url}/healthz`)).status).toBe(200);
  });

  it('accepts the key as a bearer token (a blank x-api-key beside it counts as absent), and a valid batch after all the bad ones', async () => {
    const png = await sharp({ create: { width: 3, height: 5, channels: 3, background: '#808080' } }).png().toBuffer();
    const res = await fetch(`${servers.image.url}/v1/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ items: [{ id: 'img-1', image: png.toString('base64'), label: 'grey' }] }),
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, ids: ['img-1'] });
    const search = await fetch(`${servers.image.url}/v1/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': '', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ image: png.toString('base64'), k: 2 }),
    });
    expect(search.status).toBe(200);
    expect(((await search.json()) as { results: unknown[] }).results).toHaveLength(2);
  });

  it('counts the refused requests by status in /metrics', async () => {
    const metrics = await (await fetch(`${servers.image.url}/metrics`, { headers: { 'x-api-key': KEY } })).text();
    expect(metrics).toMatch(/discern_http_requests_total\{method="POST",route="\/v1\/items",status="400"\} \d+/);
    expect(metrics).toMatch(/discern_http_requests_total\{method="POST",route="\/v1\/items",status="413"\} \d+/);
    expect(metrics).toMatch(/discern_http_requests_total\{method="POST",route="\/v1\/feedback",status="403"\} 1/);
  });
});
