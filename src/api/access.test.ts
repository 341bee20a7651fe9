import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogFixture } from '../../test/support/api/test-catalog-fixture';

const WRITE_KEY = 'write-key-5f2';
const READ_KEY = 'read-key-9c1';

type Access = 'open' | 'read' | 'write';

/**
 * Who may call each route. Every route the app registers must be listed: a new route fails
 * this test until its access is decided here.
 */
const ACCESS: Record<string, Access> = {
  'GET /healthz': 'open',
  'GET /readyz': 'open',
  'GET /openapi.json': 'open',
  'GET /metrics': 'read',
  'GET /v1/model': 'read',
  'GET /v1/live': 'read',
  'GET /v1/models/:version': 'read',
  'GET /v1/models/:version/model.onnx': 'read',
  'GET /v1/collections/:collection': 'read',
  'POST /v1/collections/:collection/search': 'read',
  'GET /v1/collections/:collection/points/:id': 'read',
  'POST /v1/embed': 'read',
  'POST /v1/search': 'read',
  'POST /v1/search/batch': 'read',
  'POST /v1/recommend': 'read',
  'GET /v1/items/:id': 'read',
  'GET /v1/items': 'read',
  'GET /v1/items/:id/thumbnail': 'read',
  'GET /v1/dead-letters': 'write',
  'GET /': 'open',
  'GET /console.js': 'open',
  'GET /console.css': 'open',
  'GET /docs': 'open',
  'GET /docs/docs-init.js': 'open',
  'GET /docs/:file': 'open',
  'POST /v1/items': 'write',
  'DELETE /v1/items/:id': 'write',
  'POST /v1/feedback': 'write',
};

const SIDE = 4;
const grid = (seed: number) => Array.from({ length: SIDE * SIDE }, (_, i) => (seed * 29 + i * 13) % 256);
const PARAMS: Record<string, string> = { id: 'a0', version: 'v000001', collection: 'catalog_v000001' };
const BODIES: Record<string, unknown> = {
  '/v1/items': { items: [{ id: 'm1', label: 'x', pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(9) } }] },
  '/v1/feedback': { events: [{ type: 'label', itemId: 'a0', label: 'x' }] },
  '/v1/embed': { pixels: { width: SIDE, height: SIDE, channels: 1, data: grid(7) } },
  '/v1/search': { itemId: 'a0', k: 2 },
  '/v1/search/batch': { searches: [{ itemId: 'a0', k: 2 }] },
  '/v1/recommend': { positive: ['a0'], k: 2 },
  '/v1/collections/:collection/search': { vector: [1, 0, 0, 0, 0, 0, 0, 0], k: 2 },
};

type Fixture = Awaited<ReturnType<typeof startCatalogFixture>>;

function start(env: Record<string, string>): Promise<Fixture> {
  return startCatalogFixture({
    input: { kind: 'image', height: SIDE, width: SIDE, channels: 1 },
    items: Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, label: i % 2 ? 'odd' : 'even', input: grid(i) })),
    env,
  });
}

/** The app's own routes as `METHOD /path`, middleware left out. */
function routesOf(f: Fixture): string[] {
  return [...new Set(f.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();
}

/** One request to a route, its parameters and body filled in; `credential` goes in x-api-key or as a bearer token. */
async function call(f: Fixture, route: string, credential: string | undefined, asBearer = false): Promise<Response> {
  const [method, pattern] = route.split(' ');
  const path = pattern.replace(/:(\w+)/g, (_, name: string) => PARAMS[name] ?? 'x');
  const headers: Record<string, string> = {};
  if (credential !== undefined) headers[asBearer ? 'authorization' : 'x-api-key'] = asBearer ? `Bearer ${credential}` : credential;
  let body: string | undefined;
  if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(BODIES[pattern] ?? {});
  }
  return f.app.request(path, { method, headers, body });
}

const CREDENTIALS = { 'no key': undefined, 'wrong key': 'not-a-key', 'read key': READ_KEY, 'write key': WRITE_KEY } as const;
type Credential = keyof typeof CREDENTIALS;

/** 401, 403, or 'allowed' (anything but those two). */
function expected(access: Access, credential: Credential, keys: { read: boolean; write: boolean }): 401 | 403 | 'allowed' {
  if (access === 'open' || !keys.write) return 'allowed';
  if (credential === 'no key') return 401;
  if (credential === 'write key') return 'allowed';
  if (credential === 'read key' && keys.read && access === 'read') return 'allowed';
  return 403;
}

const outcome = (status: number) => (status === 401 || status === 403 ? status : 'allowed');

describe.each<{ name: string; env: Record<string, string>; keys: { read: boolean; write: boolean } }>([
  { name: 'read and write keys', env: { DISCERN_API_KEY: WRITE_KEY, DISCERN_READ_API_KEY: READ_KEY }, keys: { read: true, write: true } },
  { name: 'only the write key', env: { DISCERN_API_KEY: WRITE_KEY }, keys: { read: false, write: true } },
  { name: 'no key', env: {}, keys: { read: false, write: false } },
])('access matrix with $name configured', ({ env, keys }) => {
  let f: Fixture;
  beforeAll(async () => {
    f = await start(env);
  });
  afterAll(() => f.close());

  it('lists the access of every route the app serves', () => {
    const unlisted = routesOf(f).filter((route) => !(route in ACCESS));
    expect(unlisted, 'routes without a decided access: add them to ACCESS').toEqual([]);
    expect(Object.keys(ACCESS).filter((route) => !routesOf(f).includes(route)), 'ACCESS lists routes the app no longer has').toEqual([]);
  });

  it('answers every route × {no key, wrong key, read key, write key} as its access says', async () => {
    const rows: string[] = [];
    const mismatches: string[] = [];
    for (const route of routesOf(f)) {
      const access = ACCESS[route] ?? 'read';
      for (const [i, [credential, value]] of Object.entries(CREDENTIALS).entries()) {
        const res = await call(f, route, value, i % 2 === 1);
        const want = expected(access, credential as Credential, keys);
        const got = outcome(res.status);
        rows.push(`${route} ${credential}: ${res.status}`);
        if (got !== want) mismatches.push(`${route} with ${credential}: expected ${want}, got ${res.status} ${await res.text()}`);
        if (res.status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
        if (got === 'allowed') expect(res.status, `${route} with ${credential}`).toBeLessThan(500);
      }
    }
    expect(mismatches).toEqual([]);
    expect(rows.length).toBe(routesOf(f).length * 4);
  });

  it('guards unknown routes and wrong methods like reads', async () => {
    const unknown = await f.app.request('/v1/nothing');
    expect(unknown.status).toBe(keys.write ? 401 : 404);
    const known = await f.app.request('/v1/nothing', { headers: { 'x-api-key': WRITE_KEY } });
    expect(known.status).toBe(404);
    const wrongMethod = await f.app.request('/v1/items', { method: 'PUT', headers: { 'x-api-key': WRITE_KEY } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD, POST');
    const item = await f.app.request('/v1/items/a0', { method: 'PATCH', headers: { 'x-api-key': WRITE_KEY } });
    expect(item.headers.get('allow')).toBe('DELETE, GET, HEAD');
  });
});

describe('credentials', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await start({ DISCERN_API_KEY: WRITE_KEY, DISCERN_READ_API_KEY: READ_KEY });
  });
  afterAll(() => f.close());

  const items = (headers: Record<string, string>) =>
    f.app.request('/v1/items', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(BODIES['/v1/items']) });

  it('accepts a request when any credential it carries is right, and takes a blank header as absent', async () => {
    expect((await items({ 'x-api-key': '', authorization: `Bearer ${WRITE_KEY}` })).status).toBe(202);
    expect((await items({ 'x-api-key': 'wrong', authorization: `Bearer ${WRITE_KEY}` })).status).toBe(202);
    expect((await items({ 'x-api-key': WRITE_KEY, authorization: 'Bearer wrong' })).status).toBe(202);
    expect((await items({ 'x-api-key': '  ' })).status).toBe(401);
    expect((await items({ 'x-api-key': '', authorization: 'Bearer ' })).status).toBe(401);
    const readOnWrite = await items({ 'x-api-key': READ_KEY });
    expect(readOnWrite.status).toBe(403);
    expect(((await readOnWrite.json()) as { error: { message: string } }).error.message).toMatch(/write key/);
  });
});

describe('compute rate limit', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await start({ DISCERN_API_KEY: WRITE_KEY, DISCERN_READ_API_KEY: READ_KEY, COMPUTE_RATE_LIMIT: '0.5', COMPUTE_RATE_BURST: '3' });
  });
  afterAll(() => f.close());

  const search = (key: string) =>
    f.app.request('/v1/search', { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(BODIES['/v1/search']) });

  it('answers 429 with Retry-After once a key has spent its burst, per key, on embed and search only', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await search(READ_KEY)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await search(READ_KEY);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const body = (await limited.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    const embed = await f.app.request('/v1/embed', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${READ_KEY}` },
      body: JSON.stringify(BODIES['/v1/embed']),
    });
    expect(embed.status).toBe(429);
    // Another key has its own bucket; other routes are not limited.
    expect((await search(WRITE_KEY)).status).toBe(200);
    expect((await f.app.request('/v1/items/a1', { headers: { 'x-api-key': READ_KEY } })).status).toBe(200);
  });
});

describe('compute rate limit without keys', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await start({ COMPUTE_RATE_LIMIT: '0.5', COMPUTE_RATE_BURST: '2' });
  });
  afterAll(() => f.close());

  it('counts requests per client address over real HTTP, and a made-up key buys no fresh bucket', async () => {
    const search = (headers: Record<string, string> = {}) =>
      fetch(`${f.url}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(BODIES['/v1/search']) });
    expect((await search()).status).toBe(200);
    expect((await search()).status).toBe(200);
    const limited = await search({ 'x-api-key': 'invented' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
