import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFsModelStore } from '../store/model-fs';
import { schemaArbitrary, type Hints, type JsonSchema } from '../../test/support/api/schema-arbitrary';
import { startCatalogFixture } from '../../test/support/api/test-catalog-fixture';

/**
 * Property-based fuzzing of the whole API in process, over the real embedded queue and vector
 * store: requests drawn from the OpenAPI document's request schemas (so a new route or field
 * is fuzzed without edits here), then mutated — wrong types, missing and unknown fields, huge
 * numbers, odd strings, `__proto__` keys, wrong content types, random paths and methods.
 * Promise: no answer ≥ 500, and every 4xx in the error shape, 400/405/413/415 naming the field.
 */

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_203);
const CONCURRENCY = 8;
const WRITE_KEY = 'fuzz-write-key';
const READ_KEY = 'fuzz-read-key';
const SIDE = 4;
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;

interface FuzzRequest {
  /** The route pattern it was drawn for (`random` for random paths). */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

type Fixture = Awaited<ReturnType<typeof startCatalogFixture>>;

const grid = (seed: number) => Array.from({ length: SIDE * SIDE }, (_, i) => (seed * 41 + i * 17) % 256);

/** A PNG whose header claims `width`×`height` but whose data is a 1×1 image's. */
async function pngClaiming(width: number, height: number): Promise<string> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } }).png().toBuffer();
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  return png.toString('base64');
}

async function imagePool(): Promise<string[]> {
  const grey = await sharp(Buffer.from(grid(3)), { raw: { width: SIDE, height: SIDE, channels: 1 } }).png().toBuffer();
  const rgb = await sharp({ create: { width: 3, height: 5, channels: 3, background: '#808080' } }).png().toBuffer();
  const jpeg = await sharp({ create: { width: 6, height: 6, channels: 3, background: '#405060' } }).jpeg().toBuffer();
  const wide = await sharp({ create: { width: 300, height: 100, channels: 3, background: '#101010' } }).png().toBuffer();
  return [
    grey.toString('base64'),
    rgb.toString('base64'),
    jpeg.toString('base64'),
    wide.toString('base64'),
    grey.subarray(0, grey.length - 12).toString('base64'),
    Buffer.concat([grey.subarray(0, 33), Buffer.alloc(24, 0xee)]).toString('base64'),
    await pngClaiming(50_000, 50_000),
  ];
}

/** Values worth trying for a property or parameter of that name, besides the schema's own. */
function hintsFor(images: string[]): Hints {
  const ids = fc.constantFrom('a0', 'a1', 'a2', 'a3', 'ghost');
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
  const extreme = fc.constantFrom(1e38, -3.4e38, 3.5e38, 1e300, -1e300, 5e-324, 0, 1);
  return {
    image: fc.constantFrom(...images),
    pixels: fc
      .record({ width: fc.integer({ min: 1, max: 8 }), height: fc.integer({ min: 1, max: 8 }), channels: fc.constantFrom(1, 3) })
      .chain(({ width, height, channels }) =>
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: width * height * channels, maxLength: width * height * channels }).map((data) => ({ width, height, channels, data })),
      ),
    vector: fc.oneof(fc.array(finite, { minLength: 8, maxLength: 8 }), fc.array(extreme, { minLength: 8, maxLength: 8 }), fc.array(finite, { minLength: 1, maxLength: 12 })),
    itemId: ids,
    // The docs page's static files: real ones, and names a lookup table could trip over.
    file: fc.constantFrom('swagger-ui.css', 'swagger-ui-bundle.js', 'toString', '__proto__', '..%2Fpackage.json', 'x'),
    id: ids,
    a: ids,
    b: ids,
    anchor: ids,
    positive: ids,
    negative: ids,
    label: fc.constantFrom('even', 'odd', '', 'ünïcödé'),
    k: fc.oneof(fc.integer({ min: -3, max: 1200 }), fc.constantFrom(2.5, 1e308)),
    attributes: fc.dictionary(
      fc.constantFrom('even', 'size', 'color.primary', 'a[0]', 'constructor', 'toString', 'x'.repeat(200), ''),
      fc.oneof(fc.string({ maxLength: 8 }), fc.double(), fc.boolean()),
      { maxKeys: 3 },
    ),
    version: fc.constantFrom('v000001', 'v000002', 'v000009', '.x', '-x', '_x', 'v1', 'latest'),
    collection: fc.constantFrom('catalog_v000001', 'catalog_v000002', 'catalog_v000009', 'catalog_tmp', 'other_v000001', 'catalog', '.hidden'),
  };
}

const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -0, -1, 1e308, -1e308, 1e39, 5e-324, 2 ** 53 + 1, '', ' ', '\u0000', '__proto__', 'constructor', '../..', '%00', '\ud800', '😀'.repeat(40), 'a'.repeat(300), 'x'.repeat(70_000), [], {}, [[]]),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 3 }),
  fc.array(fc.double(), { maxLength: 10 }),
);

type Mutation = { kind: 'replace' | 'delete' | 'addKey' | 'prototypeKey' | 'wrap'; at: number; value: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'replace', 'delete', 'addKey', 'prototypeKey', 'wrap'),
  at: fc.nat(),
  value: weird,
  key: fc.oneof(fc.constantFrom('extra', 'constructor', 'prototype', ''), fc.string({ maxLength: 6 })),
});

/** Applies one mutation at one place (chosen by `at`) anywhere in a JSON value. */
function mutate(value: unknown, m: Mutation): unknown {
  const root: Record<string, unknown> = { v: structuredClone(value) };
  const slots: { parent: Record<string | number, unknown>; key: string | number }[] = [];
  const walk = (parent: Record<string | number, unknown>, key: string | number) => {
    slots.push({ parent, key });
    const child = parent[key];
    if (child !== null && typeof child === 'object') for (const k of Object.keys(child)) walk(child as Record<string, unknown>, Array.isArray(child) ? Number(k) : k);
  };
  walk(root, 'v');
  const { parent, key } = slots[m.at % slots.length];
  const target = parent[key];
  const isObject = target !== null && typeof target === 'object' && !Array.isArray(target);
  if (m.kind === 'replace') parent[key] = m.value;
  else if (m.kind === 'delete' && parent !== root) Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key];
  else if (m.kind === 'addKey' && isObject) (target as Record<string, unknown>)[m.key] = m.value;
  else if (m.kind === 'prototypeKey' && isObject) Object.defineProperty(target, '__proto__', { value: m.value, enumerable: true, writable: true, configurable: true });
  else parent[key] = [target];
  return root.v;
}

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', 'null', '[]', '{}', '{"items": [', '{"a":1}{', '1e999', '"\\ud800"', `${'['.repeat(20_000)}${']'.repeat(20_000)}`, `{"__proto__":${'{"a":'.repeat(50)}1${'}'.repeat(50)}}`),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

const contentType = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-8', 'text/plain', '', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/problem+json', 'APPLICATION/JSON', 'application/jsonx', 'application/json, text/plain') },
);

const credentials = fc.oneof(
  { weight: 14, arbitrary: fc.constant<Record<string, string>>({ 'x-api-key': WRITE_KEY }) },
  { weight: 2, arbitrary: fc.constant<Record<string, string>>({ authorization: `Bearer ${WRITE_KEY}`, 'x-api-key': '' }) },
  { weight: 2, arbitrary: fc.constant<Record<string, string>>({ 'x-api-key': READ_KEY }) },
  { weight: 1, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'x-api-key': 'wrong' }, { authorization: 'Bearer' }, { authorization: 'Basic Zm9vOmJhcg==' }) },
);

const oddSegment = fc.constantFrom('%', '%E0%A4%A', '..', '.', '%2F', 'a%00b', 'a'.repeat(5000), '%F0%9F%98%80', 'v000001%20', '~', "'", '<script>');

/** Builds request arbitraries for every route the app serves, from the OpenAPI document. */
function requestArbitrary(app: Fixture['app'], doc: JsonSchema, hints: Hints): { requests: fc.Arbitrary<FuzzRequest>; routes: string[] } {
  const routes = [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();
  const perRoute = routes.map((route) => {
    const [method, pattern] = route.split(' ');
    const operation = doc.paths?.[pattern.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()] as JsonSchema | undefined;
    const bodySchema: JsonSchema | undefined = operation?.requestBody?.content?.['application/json']?.schema;
    const paramNames = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const params = fc.tuple(
      ...paramNames.map((name) => {
        const schema = (operation?.parameters as JsonSchema[] | undefined)?.find((p) => p.name === name)?.schema ?? { type: 'string' };
        const drawn = schemaArbitrary(doc, schema, hints, name).map((v) => encodeURIComponent(String(v)));
        return fc.oneof({ weight: 8, arbitrary: drawn }, { weight: 1, arbitrary: oddSegment }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) });
      }),
    );
    const valid = bodySchema ? schemaArbitrary(doc, bodySchema, hints) : fc.jsonValue({ maxDepth: 2 });
    const body = fc.oneof(
      { weight: 4, arbitrary: valid.map((v) => JSON.stringify(v)) },
      { weight: 4, arbitrary: fc.tuple(valid, mutation).map(([v, m]) => JSON.stringify(mutate(v, m)) ?? 'null') },
      { weight: 1, arbitrary: garbage },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    return fc
      .record({
        method: fc.oneof({ weight: 9, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        params,
        body,
        contentType,
        credentials,
        query: fc.option(fc.constantFrom('?k=5', '?alias=other', '?__proto__[a]=1', '?%zz'), { freq: 10 }),
      })
      .map(({ method: m, params: values, body: text, contentType: type, credentials: headers, query }): FuzzRequest => {
        let i = 0;
        const path = pattern.replace(/:(\w+)/g, () => values[i++]) + (query ?? '');
        const hasBody = m !== 'GET' && m !== 'HEAD' && text !== undefined;
        return { route, method: m, path, headers: { ...headers, ...(hasBody && type ? { 'content-type': type } : {}) }, body: hasBody ? text : undefined };
      });
  });
  const randomPath = fc
    .record({
      method: fc.constantFrom(...METHODS),
      path: fc.oneof(
        fc.webPath(),
        fc.constantFrom('/', '//', '/v1', '/v1/', '/v1/items/', '/v1/items//x', '/V1/items', '/healthz/', '/v1/models/', '/v1/collections//search', '/metrics/x', '/v1/items/a/b/c'),
        fc.array(fc.oneof(oddSegment, fc.string({ maxLength: 8 }).map(encodeURIComponent)), { maxLength: 5 }).map((s) => `/${s.join('/')}`),
      ),
      credentials,
    })
    .map(({ method, path, credentials: headers }): FuzzRequest => ({ route: 'random', method, path: path.startsWith('/') ? path : `/${path}`, headers }));
  return { requests: fc.oneof({ weight: 9, arbitrary: fc.oneof(...perRoute) }, { weight: 1, arbitrary: randomPath }), routes };
}

/** What is wrong with an answer, or undefined when it keeps the promise. */
async function problemWith(request: FuzzRequest, res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status >= 500) return `status ${res.status}: ${text.slice(0, 300)}`;
  if (res.status < 400 || request.method === 'HEAD') return undefined;
  let body: { error?: { code?: unknown; message?: unknown; requestId?: unknown; issues?: { path?: unknown; message?: unknown }[] } };
  try {
    body = JSON.parse(text);
  } catch {
    return `status ${res.status} with a body that is not JSON: ${text.slice(0, 200)}`;
  }
  const error = body.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || error.message.length === 0 || typeof error.requestId !== 'string') {
    return `status ${res.status} without the error shape: ${text.slice(0, 300)}`;
  }
  if ([400, 405, 413, 415].includes(res.status)) {
    const issues = error.issues;
    if (!Array.isArray(issues) || issues.length === 0 || !issues.every((i) => typeof i.path === 'string' && i.path.length > 0 && typeof i.message === 'string')) {
      return `status ${res.status} naming no field: ${text.slice(0, 300)}`;
    }
  }
  if (res.status === 405 && !res.headers.get('allow')) return '405 without Allow';
  return undefined;
}

describe('request fuzzing over every route', () => {
  let f: Fixture;
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await mkdtemp(join(tmpdir(), 'discern-fuzz-models-'));
    const modelStore = createFsModelStore({ dir: modelDir });
    for (const id of ['v000001', 'v000002']) {
      await modelStore.put({ id, createdAt: new Date().toISOString(), step: 1, embeddingDim: 8, input: { height: SIDE, width: SIDE, channels: 1 } }, new Uint8Array([8, 1, 2, 3]));
    }
    f = await startCatalogFixture({
      input: { kind: 'image', height: SIDE, width: SIDE, channels: 1 },
      items: Array.from({ length: 4 }, (_, i) => ({ id: `a${i}`, label: i % 2 ? 'odd' : 'even', attributes: { even: i % 2 === 0, size: i }, input: grid(i) })),
      env: { DISCERN_API_KEY: WRITE_KEY, DISCERN_READ_API_KEY: READ_KEY, MAX_BODY_BYTES: String(256 * 1024), MAX_BATCH_ITEMS: '50', MAX_QUERY_PIXELS: '10000' },
      modelStore,
    });
  });
  afterAll(async () => {
    await f?.close();
    await rm(modelDir, { recursive: true, force: true });
  });

  it(`answers ${REQUESTS} generated requests without a 5xx, every 4xx in the error shape naming the field`, async () => {
    const doc = (await (await f.app.request('/openapi.json')).json()) as JsonSchema;
    const { requests: arbitrary, routes } = requestArbitrary(f.app, doc, hintsFor(await imagePool()));
    const requests = fc.sample(arbitrary, { numRuns: REQUESTS, seed: SEED });
    const byRoute = new Map<string, { sent: number; succeeded: number }>();
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const res = await f.app.request(request.path, { method: request.method, headers: request.headers, body: request.body });
        const problem = await problemWith(request, res);
        if (problem) problems.push(`${request.method} ${request.path.slice(0, 120)} ${JSON.stringify(request.headers)} body=${request.body?.slice(0, 200)} → ${problem}`);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const counts = byRoute.get(request.route) ?? { sent: 0, succeeded: 0 };
        counts.sent++;
        if (res.status < 300 && request.method === request.route.split(' ')[0]) counts.succeeded++;
        byRoute.set(request.route, counts);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    const serverErrors = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    console.log(JSON.stringify({ fuzz: { requests: requests.length, seed: SEED, seconds: Math.round(seconds * 10) / 10, serverErrors, statuses: Object.fromEntries(statuses), routes: Object.fromEntries(byRoute) } }));

    expect(problems.slice(0, 20)).toEqual([]);
    expect(serverErrors).toBe(0);
    expect(requests.length).toBeGreaterThanOrEqual(Math.min(REQUESTS, 10_000));
    // Every route was reached, and reached deep enough to succeed: the generator is not all noise.
    for (const route of routes) {
      const counts = byRoute.get(route);
      expect(counts?.sent ?? 0, route).toBeGreaterThanOrEqual(Math.floor(REQUESTS / routes.length / 4));
      expect(counts?.succeeded ?? 0, `${route} never succeeded`).toBeGreaterThan(0);
    }
    expect((await f.app.request('/healthz')).status).toBe(200);
  });
});
