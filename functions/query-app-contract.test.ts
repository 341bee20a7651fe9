import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionForVersion } from '../src/core/catalog-naming';
import type { VectorStore } from '../src/core/vector-store';
import { loadFashionMnist } from '../src/data';
import { createQdrantVectorStore } from '../src/store/qdrant';
import { queryContinuously } from '../test/edge/continuous-queries';
import { maxAbsDiff, pixelsField, postJson } from '../test/edge/http-json';
import { startLocalQdrantServer, type LocalQdrantServer } from '../test/support/local-qdrant-server';
import { qdrantAvailability, startQdrant, type QdrantServer } from '../test/support/qdrant';
import { answersDiffer, rankingMismatch } from '../test/edge/ranking';
import { startPublishedCatalog, type PublishedCatalog, type PublishedVersion } from '../test/support/published-catalog';
import { startEdgeServer } from './serve';

type EdgeServer = Awaited<ReturnType<typeof startEdgeServer>>;

let catalog: PublishedCatalog;
let edge: EdgeServer;
/** Fashion-MNIST training images: real pixels that are not in the catalog (built from the test split). */
let queries: Uint8Array[];

beforeAll(async () => {
  catalog = await startPublishedCatalog({ limitPerSplit: 300 });
  edge = await startEdgeServer({ port: 0, bindings: { DISCERN_API_URL: catalog.url, MODEL_BASE_URL: catalog.url } });
  const train = await loadFashionMnist({ split: 'train', limit: 24 });
  queries = Array.from({ length: 24 }, (_, i) => train.images.subarray(i * 784, (i + 1) * 784));
});

afterAll(async () => {
  await edge?.close();
  await catalog?.close();
});

/** The true cosine score of a stored item for a query, in a version. */
function scoreIn(version: string, query: ArrayLike<number>) {
  return (id: string) => {
    const stored = catalog.embeddingOf(version, id);
    let s = 0;
    for (let j = 0; j < stored.length; j++) s += stored[j] * query[j];
    return s;
  };
}

/** Bad requests both runtimes refuse alike (the batch and recommendation bodies too: the edge checks them before its 501). */
const badInputs: { name: string; path: '/v1/embed' | '/v1/search' | '/v1/recommend' | '/v1/search/batch'; body: () => unknown; raw?: boolean; contentType?: string; status: number; field?: string | RegExp; code?: string }[] = [
  { name: 'malformed JSON', path: '/v1/search', body: () => '{"pixels": {', raw: true, status: 400, code: 'invalid_json' },
  { name: 'no query at all', path: '/v1/search', body: () => ({ k: 5 }), status: 400, field: /itemId, image, pixels, vector/ },
  { name: 'two queries at once', path: '/v1/search', body: () => ({ pixels: valid(), itemId: 'fmnist-test-0' }), status: 400, field: 'pixels' },
  { name: 'pixels of the wrong length', path: '/v1/embed', body: () => ({ pixels: { ...valid(), data: [1, 2, 3] } }), status: 400, field: 'pixels.data' },
  { name: 'pixel value above 255', path: '/v1/embed', body: () => ({ pixels: { ...valid(), data: valid().data.map(() => 300) } }), status: 400, field: /^pixels\.data/ },
  { name: 'k = 0', path: '/v1/search', body: () => ({ pixels: valid(), k: 0 }), status: 400, field: 'k' },
  { name: 'k = 1001', path: '/v1/search', body: () => ({ pixels: valid(), k: 1001 }), status: 400, field: 'k' },
  { name: 'k not an integer', path: '/v1/search', body: () => ({ pixels: valid(), k: 2.5 }), status: 400, field: 'k' },
  { name: 'an image that is not base64', path: '/v1/embed', body: () => ({ image: 'not base64!' }), status: 400, field: 'image' },
  { name: 'an empty range filter', path: '/v1/search', body: () => ({ pixels: valid(), filter: { attributes: { size: { gt: 5, lt: 1 } } } }), status: 400, field: 'filter.attributes.size' },
  { name: 'a negative offset', path: '/v1/search', body: () => ({ pixels: valid(), offset: -1 }), status: 400, field: 'offset' },
  { name: 'a recommendation without positives', path: '/v1/recommend', body: () => ({ positive: [] }), status: 400, field: 'positive' },
  { name: 'a batch with a bad search', path: '/v1/search/batch', body: () => ({ searches: [{ pixels: valid(), k: 0 }] }), status: 400, field: 'searches.0.k' },
  { name: 'text/plain body', path: '/v1/search', body: () => JSON.stringify({ pixels: valid() }), raw: true, contentType: 'text/plain', status: 415 },
  { name: 'a filter attribute name the store refuses', path: '/v1/search', body: () => ({ pixels: valid(), filter: { attributes: { 'color.primary': 'red' } } }), status: 400, field: 'filter.attributes.color.primary' },
  { name: 'a __proto__ filter attribute', path: '/v1/search', body: () => `{"pixels":${JSON.stringify(valid())},"filter":{"attributes":{"__proto__":{"a":1}}}}`, raw: true, status: 400, field: 'filter.attributes.__proto__' },
];

function valid() {
  return pixelsField(queries[0]);
}

async function getJson(base: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: await response.json() };
}

/** The live version's collection in the published catalog. */
function liveCollection(): string {
  return collectionForVersion('catalog', catalog.live.id);
}

/** Version-pinned reads that both runtimes refuse alike: status, error code and the field named. */
const pinnedRefusals: { name: string; request: () => [path: string, body?: unknown]; status: number; code: string; field?: string }[] = [
  { name: 'a collection of another service', request: () => ['/v1/collections/other_v000001'], status: 404, code: 'collection_not_found', field: 'collection' },
  { name: 'a version never published', request: () => ['/v1/collections/catalog_v999999/points/fmnist-test-0'], status: 404, code: 'collection_not_found', field: 'collection' },
  { name: 'the alias itself', request: () => ['/v1/collections/catalog/search', { vector: [1], k: 1 }], status: 404, code: 'collection_not_found', field: 'collection' },
  { name: 'an unknown item', request: () => [`/v1/collections/${liveCollection()}/points/no-such-item`], status: 404, code: 'item_not_found', field: 'id' },
  { name: 'k = 0', request: () => [`/v1/collections/${liveCollection()}/search`, { vector: Array.from(catalog.embeddingOf(catalog.live.id, catalog.items[0].id)), k: 0 }], status: 400, code: 'invalid_request', field: 'k' },
  { name: 'an unknown body field', request: () => [`/v1/collections/${liveCollection()}/search`, { vector: [1, 2], k: 1, pixels: 1 }], status: 400, code: 'invalid_request' },
];

async function pinnedCall(base: string, [path, body]: [string, unknown?]): Promise<{ status: number; body: any }> {
  return body === undefined ? getJson(base, path) : postJson(base, path, body);
}

/**
 * One query app, two runtimes: the Node service (onnxruntime-node, its VectorStore, sharp) and
 * the edge worker in workerd (onnxruntime-web, the discern service upstream, pure-JS decoding).
 * Every runtime must meet the same contract; the cross-runtime checks below then compare answers.
 */
const runtimes: { name: string; url: () => string }[] = [
  { name: 'Node', url: () => catalog.url },
  { name: 'edge in workerd', url: () => edge.url },
];

describe.each(runtimes)('query app contract on $name', ({ url }) => {
  it('/v1/embed matches onnxruntime-node within 1e-4 on Fashion-MNIST pixels, with the live version', async () => {
    const version = catalog.live.id;
    const references = await catalog.embedReference(version, concat(queries), queries.length);
    let worst = 0;
    for (const [i, image] of queries.entries()) {
      const { status, body } = await postJson(url(), '/v1/embed', { pixels: pixelsField(image) });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.modelVersion).toBe(version);
      expect(body.embedding).toHaveLength(catalog.embeddingDim);
      worst = Math.max(worst, maxAbsDiff(body.embedding, references[i]));
    }
    expect(worst).toBeLessThanOrEqual(1e-4);
    // A different image must not pass for this one: the check can tell embeddings apart.
    expect(maxAbsDiff(references[0], references[1])).toBeGreaterThan(1e-2);
  });

  it('embeds a PNG of the model size (encoded by sharp) exactly like its raw pixels', async () => {
    const version = catalog.live.id;
    for (const image of queries.slice(0, 4)) {
      const png = await sharp(Buffer.from(image), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
      const [reference] = await catalog.embedReference(version, image);
      const answer = await postJson(url(), '/v1/embed', { image: png.toString('base64') });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.modelVersion).toBe(version);
      expect(maxAbsDiff(answer.body.embedding, reference)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('/v1/search by pixels: the exact top 10 of the live version', async () => {
    const version = catalog.live.id;
    for (const image of queries.slice(0, 10)) {
      const { status, body } = await postJson(url(), '/v1/search', { pixels: pixelsField(image), k: 10 });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.modelVersion).toBe(version);
      const [query] = await catalog.embedReference(version, image);
      expect(rankingMismatch(body.results, catalog.exactSearch(version, query, 10), scoreIn(version, query))).toBeUndefined();
    }
  });

  it('/v1/search by itemId: the item itself is left out and the rest equals the exact search', async () => {
    const version = catalog.live.id;
    for (const item of catalog.items.slice(0, 6)) {
      const { status, body } = await postJson(url(), '/v1/search', { itemId: item.id, k: 5 });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.results.map((r: { id: string }) => r.id)).not.toContain(item.id);
      const query = catalog.embeddingOf(version, item.id);
      const want = catalog.exactSearch(version, query, 6).filter((h) => h.id !== item.id).slice(0, 5);
      expect(rankingMismatch(body.results, want, scoreIn(version, query))).toBeUndefined();
    }
  });

  it('/v1/search with a label filter: only that label, as the exact filtered search', async () => {
    const version = catalog.live.id;
    for (const [i, label] of ['Sneaker', 'Bag', 'Trouser'].entries()) {
      const { status, body } = await postJson(url(), '/v1/search', { pixels: pixelsField(queries[i]), k: 8, filter: { label } });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.results).toHaveLength(8);
      expect(body.results.every((r: { label: string }) => r.label === label)).toBe(true);
      const [query] = await catalog.embedReference(version, queries[i]);
      expect(rankingMismatch(body.results, catalog.exactSearch(version, query, 8, { label }), scoreIn(version, query))).toBeUndefined();
    }
  });

  it('an unknown itemId is a 404 naming itemId', async () => {
    const { status, body } = await postJson(url(), '/v1/search', { itemId: 'no-such-item', k: 3 });
    expect(status).toBe(404);
    expect(body.error.message).toMatch(/^itemId: /);
    expect(body.error.issues[0].path).toBe('itemId');
  });

  it('GET /v1/live names the live collection and its version', async () => {
    const { status, body } = await getJson(url(), '/v1/live');
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ alias: 'catalog', collection: liveCollection(), modelVersion: catalog.live.id });
  });

  it('GET /v1/collections/{collection}: distance, dimension and item count', async () => {
    const { status, body } = await getJson(url(), `/v1/collections/${liveCollection()}`);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toEqual({ name: liveCollection(), distance: 'cosine', dimension: catalog.embeddingDim, count: catalog.items.length });
  });

  it('POST /v1/collections/{collection}/search: the exact top 10 of that collection for an embedding', async () => {
    const version = catalog.live.id;
    for (const image of queries.slice(0, 4)) {
      const [query] = await catalog.embedReference(version, image);
      const { status, body } = await postJson(url(), `/v1/collections/${liveCollection()}/search`, { vector: Array.from(query), k: 10 });
      expect(status, JSON.stringify(body)).toBe(200);
      expect(rankingMismatch(body.results, catalog.exactSearch(version, query, 10), scoreIn(version, query))).toBeUndefined();
    }
  });

  it('GET /v1/collections/{collection}/points/{id}: the stored vector and label', async () => {
    for (const item of catalog.items.slice(0, 3)) {
      const { status, body } = await getJson(url(), `/v1/collections/${liveCollection()}/points/${item.id}`);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(body.id).toBe(item.id);
      expect(body.payload.label).toBe(item.label);
      expect(maxAbsDiff(body.vector, catalog.embeddingOf(catalog.live.id, item.id))).toBeLessThanOrEqual(1e-6);
    }
  });

  for (const c of pinnedRefusals) {
    it(`version-pinned reads: ${c.name} → ${c.status} ${c.code}`, async () => {
      const { status, body } = await pinnedCall(url(), c.request());
      expect(status, JSON.stringify(body)).toBe(c.status);
      expect(body.error.code).toBe(c.code);
      if (c.field) expect(body.error.issues[0].path).toBe(c.field);
    });
  }

  for (const c of badInputs) {
    it(`refuses ${c.name} → ${c.status}${c.field ? ` naming ${c.field}` : ''}`, async () => {
      const { status, body } = await postJson(url(), c.path, c.body(), { raw: c.raw, contentType: c.contentType });
      expect(status, JSON.stringify(body)).toBe(c.status);
      if (c.code) expect(body.error.code).toBe(c.code);
      if (c.field) {
        const paths = body.error.issues.map((i: { path: string; message: string }) => (typeof c.field === 'string' ? i.path : `${i.path}: ${i.message}`));
        expect(paths.some((p: string) => (typeof c.field === 'string' ? p === c.field : c.field!.test(p))), JSON.stringify(body)).toBe(true);
      }
    });
  }
});

describe('the Node API and the edge answer alike', () => {
  it('embeds: the same embedding of a PNG, within 1e-4', async () => {
    for (const image of queries.slice(0, 4)) {
      const png = await sharp(Buffer.from(image), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
      const [fromEdge, fromNode] = await Promise.all([postJson(edge.url, '/v1/embed', { image: png.toString('base64') }), postJson(catalog.url, '/v1/embed', { image: png.toString('base64') })]);
      expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
      expect(fromNode.status).toBe(200);
      expect(maxAbsDiff(fromEdge.body.embedding, fromNode.body.embedding)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('by pixels, by itemId and with a label filter: same ids in the same order, scores within 1e-4', async () => {
    const requests = [
      ...queries.slice(0, 10).map((image) => ({ pixels: pixelsField(image), k: 10 })),
      ...catalog.items.slice(0, 6).map((item) => ({ itemId: item.id, k: 5 })),
      ...['Sneaker', 'Bag', 'Trouser'].map((label, i) => ({ pixels: pixelsField(queries[i]), k: 8, filter: { label } })),
    ];
    for (const request of requests) {
      const [fromEdge, fromNode] = await Promise.all([postJson(edge.url, '/v1/search', request), postJson(catalog.url, '/v1/search', request)]);
      expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
      expect(fromNode.status).toBe(200);
      expect(fromEdge.body.modelVersion).toBe(fromNode.body.modelVersion);
      expect(answersDiffer(fromEdge.body.results, fromNode.body.results)).toBeUndefined();
    }
  });

  it('with offset and an any-of label filter: the Node API\'s page', async () => {
    const requests = [
      { pixels: pixelsField(queries[4]), k: 4, offset: 3, filter: { label: { any: ['Sneaker', 'Sandal'] } } },
      { itemId: catalog.items[2].id, k: 3, offset: 2 },
    ];
    for (const request of requests) {
      const [fromEdge, fromNode] = await Promise.all([postJson(edge.url, '/v1/search', request), postJson(catalog.url, '/v1/search', request)]);
      expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
      expect(fromEdge.body.results.length).toBeGreaterThan(0);
      expect(answersDiffer(fromEdge.body.results, fromNode.body.results)).toBeUndefined();
    }
  });

  it('refuses bad input with the same first issue path', async () => {
    for (const c of badInputs.filter((b) => b.field)) {
      const init = { raw: c.raw, contentType: c.contentType };
      const [fromEdge, fromNode] = await Promise.all([postJson(edge.url, c.path, c.body(), init), postJson(catalog.url, c.path, c.body(), init)]);
      expect(fromEdge.body.error.issues[0].path, c.name).toBe(fromNode.body.error.issues[0].path);
    }
  });

  it('version-pinned reads: the same answers and the same refusals', async () => {
    const collection = liveCollection();
    const [query] = await catalog.embedReference(catalog.live.id, queries[7]);
    const calls: [string, unknown?][] = [
      ['/v1/live'],
      [`/v1/collections/${collection}`],
      [`/v1/collections/${collection}/points/${catalog.items[4].id}`],
      [`/v1/collections/${collection}/search`, { vector: Array.from(query), k: 6, filter: { label: { any: ['Sneaker', 'Sandal'] } } }],
      [`/v1/collections/${collection}/search`, { vector: Array.from(query), k: 4, offset: 2 }],
      ...pinnedRefusals.map((c) => c.request()),
    ];
    for (const call of calls) {
      const [fromEdge, fromNode] = await Promise.all([pinnedCall(edge.url, call), pinnedCall(catalog.url, call)]);
      expect(fromEdge.status, `${call[0]}: ${JSON.stringify(fromEdge.body).slice(0, 200)}`).toBe(fromNode.status);
      if (fromNode.status !== 200) expect({ ...fromEdge.body.error, requestId: undefined }, call[0]).toEqual({ ...fromNode.body.error, requestId: undefined });
      else if (fromNode.body.results) expect(answersDiffer(fromEdge.body.results, fromNode.body.results), call[0]).toBeUndefined();
      else expect(fromEdge.body, call[0]).toEqual(fromNode.body);
    }
  });

  it('edge: batch search and recommend: bodies checked like the Node API, then 501', async () => {
    const recommend = await postJson(edge.url, '/v1/recommend', { positive: [catalog.items[1].id], k: 3 });
    expect(recommend.status).toBe(501);
    const batch = await postJson(edge.url, '/v1/search/batch', { searches: [{ itemId: catalog.items[1].id }] });
    expect(batch.status).toBe(501);
  });
});

interface QdrantTarget {
  name: string;
  url: string;
  apiKey?: string;
  alias: string;
  local?: LocalQdrantServer;
}

/** The loopback Qdrant REST stand-in and a real Qdrant (skipped, with the reason, when none can be had). */
const realQdrant = qdrantAvailability();
const qdrantTargets: { name: string; real: boolean; skipReason?: string }[] = [
  { name: 'loopback Qdrant REST server', real: false },
  { name: `real Qdrant${realQdrant.available ? ` (${realQdrant.source})` : ` (skipped: ${realQdrant.reason})`}`, real: true, skipReason: realQdrant.available ? undefined : realQdrant.reason },
];

for (const { name, real, skipReason } of qdrantTargets) (skipReason ? describe.skip : describe)(`edge over Qdrant REST (${name}), filled by the Qdrant VectorStore adapter`, () => {
  let target: QdrantTarget;
  let store: VectorStore;
  let qdrantEdge: EdgeServer;
  let server: QdrantServer | undefined;
  const created: string[] = [];

  async function index(version: PublishedVersion) {
    const collection = collectionForVersion(target.alias, version.id);
    await store.createCollection(collection, { dimension: catalog.embeddingDim, distance: 'cosine' });
    created.push(collection);
    const dim = catalog.embeddingDim;
    await store.upsert(
      collection,
      catalog.items.map((item, i) => ({ id: item.id, vector: version.embeddings.subarray(i * dim, (i + 1) * dim), payload: { label: item.label } })),
    );
    await store.setAlias(target.alias, collection);
  }

  beforeAll(async () => {
    if (real) {
      server = await startQdrant();
      target = { name: 'real', url: server.url, apiKey: server.apiKey, alias: `edgetest${randomBytes(4).toString('hex')}` };
    } else {
      const local = await startLocalQdrantServer();
      target = { name: 'local', url: local.url, alias: 'catalog', local };
    }
    store = createQdrantVectorStore({ url: target.url, apiKey: target.apiKey });
    await index(catalog.live);
    qdrantEdge = await startEdgeServer({
      port: 0,
      bindings: { QDRANT_URL: target.url, LIVE_ALIAS: target.alias, MODEL_BASE_URL: catalog.url, ...(target.apiKey ? { QDRANT_API_KEY: target.apiKey } : {}) },
    });
  });

  afterAll(async () => {
    await qdrantEdge?.close();
    if (real) for (const collection of created) await store.dropCollection(collection).catch(() => undefined);
    await target?.local?.close();
    await server?.stop();
  });

  it('by pixels, by itemId and with a label filter: the Node API answers for the same version', async () => {
    const version = catalog.live.id;
    const requests = [
      { pixels: pixelsField(queries[5]), k: 10 },
      { pixels: pixelsField(queries[6]), k: 3 },
      { itemId: catalog.items[7].id, k: 10 },
      { pixels: pixelsField(queries[8]), k: 6, filter: { label: 'Pullover' } },
      { itemId: catalog.items[9].id, k: 4, filter: { label: 'Sandal' } },
      { pixels: pixelsField(queries[8]), k: 4, offset: 3, filter: { label: { any: ['Pullover', 'Coat'] } } },
      { itemId: catalog.items[7].id, k: 5, offset: 2 },
    ];
    for (const request of requests) {
      const [fromEdge, fromNode] = await Promise.all([postJson(qdrantEdge.url, '/v1/search', request), postJson(catalog.url, '/v1/search', request)]);
      expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
      expect(fromNode.status).toBe(200);
      expect(fromEdge.body.modelVersion).toBe(version);
      expect(fromNode.body.modelVersion).toBe(version);
      expect(answersDiffer(fromEdge.body.results, fromNode.body.results), JSON.stringify(request).slice(0, 80)).toBeUndefined();
    }
  });

  it('version-pinned reads over Qdrant: the collection, a point and a search as the Node API answers them', async () => {
    const collection = collectionForVersion(target.alias, catalog.live.id);
    const nodeCollection = liveCollection();
    const info = await getJson(qdrantEdge.url, `/v1/collections/${collection}`);
    expect(info.status, JSON.stringify(info.body)).toBe(200);
    expect(info.body).toEqual({ name: collection, distance: 'cosine', dimension: catalog.embeddingDim, count: catalog.items.length });
    const item = catalog.items[3];
    const point = await getJson(qdrantEdge.url, `/v1/collections/${collection}/points/${item.id}`);
    expect(point.status, JSON.stringify(point.body)).toBe(200);
    expect(point.body.payload).toEqual({ label: item.label });
    expect(maxAbsDiff(point.body.vector, catalog.embeddingOf(catalog.live.id, item.id))).toBeLessThanOrEqual(1e-6);
    const [query] = await catalog.embedReference(catalog.live.id, queries[9]);
    const request = { vector: Array.from(query), k: 5, filter: { label: 'Bag' } };
    const [fromEdge, fromNode] = await Promise.all([postJson(qdrantEdge.url, `/v1/collections/${collection}/search`, request), postJson(catalog.url, `/v1/collections/${nodeCollection}/search`, request)]);
    expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
    expect(answersDiffer(fromEdge.body.results, fromNode.body.results)).toBeUndefined();
    const missing = await getJson(qdrantEdge.url, `/v1/collections/${collection}/points/no-such-item`);
    expect([missing.status, missing.body.error.code]).toEqual([404, 'item_not_found']);
    const elsewhere = await getJson(qdrantEdge.url, `/v1/collections/${collectionForVersion(target.alias, 'v999999')}`);
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([404, 'collection_not_found']);
  });

  it('sends Qdrant the embedding, k and the label filter', async () => {
    if (!target.local) {
      // Against a real server only answers can be checked; they were, above.
      expect(real).toBe(true);
      return;
    }
    const before = target.local.requests.length;
    const { status } = await postJson(qdrantEdge.url, '/v1/search', { pixels: pixelsField(queries[3]), k: 7, filter: { label: 'Coat' } });
    expect(status).toBe(200);
    const searches = target.local.requests.slice(before).filter((r) => r.path.endsWith('/points/search'));
    expect(searches).toHaveLength(1);
    expect(searches[0].path).toBe(`/collections/${collectionForVersion('catalog', catalog.live.id)}/points/search`);
    expect(searches[0].body.limit).toBe(7);
    expect(searches[0].body.filter).toEqual({ must: [{ key: 'label', match: { value: 'Coat' } }] });
    const [query] = await catalog.embedReference(catalog.live.id, queries[3]);
    expect(maxAbsDiff(searches[0].body.vector, query)).toBeLessThanOrEqual(1e-4);
  });

  it('follows the alias to a new version: embeds with it and searches its collection', async () => {
    const next = await catalog.publishVersion();
    await index(next);
    const request = { pixels: pixelsField(queries[10]), k: 10 };
    const [fromEdge, fromNode] = await Promise.all([postJson(qdrantEdge.url, '/v1/search', request), postJson(catalog.url, '/v1/search', request)]);
    expect(fromEdge.status, JSON.stringify(fromEdge.body)).toBe(200);
    expect(fromEdge.body.modelVersion).toBe(next.id);
    expect(fromNode.body.modelVersion).toBe(next.id);
    expect(answersDiffer(fromEdge.body.results, fromNode.body.results)).toBeUndefined();
    const itemAnswer = await postJson(qdrantEdge.url, '/v1/search', { itemId: catalog.items[11].id, k: 5 });
    const nodeItemAnswer = await postJson(catalog.url, '/v1/search', { itemId: catalog.items[11].id, k: 5 });
    expect(answersDiffer(itemAnswer.body.results, nodeItemAnswer.body.results)).toBeUndefined();
  });

  it('an alias that points nowhere is a 503 with Retry-After, not a wrong answer', async () => {
    const lonely = await startEdgeServer({ port: 0, bindings: { QDRANT_URL: target.url, LIVE_ALIAS: `missing${randomBytes(3).toString('hex')}`, MODEL_BASE_URL: catalog.url } });
    try {
      const response = await fetch(`${lonely.url}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ itemId: 'x', k: 1 }) });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      await lonely.close();
    }
  });
});

describe('version consistency while the live version is swapped 20 times', () => {
  it('every answer of the Node API and the edge is computed by the version it names', async () => {
    const k = 10;
    const load = queryContinuously(
      [
        { name: 'node', url: catalog.url },
        { name: 'edge', url: edge.url },
      ],
      queries,
      { loops: 2, k },
    );
    const published: string[] = [];
    for (let swap = 0; swap < 20; swap++) {
      published.push((await catalog.publishVersion()).id);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const observations = await load.stop();

    const failures = observations.filter((o) => o.status !== 200);
    expect(failures.slice(0, 3), `${failures.length} failed requests`).toEqual([]);

    const referenceCache = new Map<string, Float32Array>();
    async function reference(version: string, query: number): Promise<Float32Array> {
      const key = `${version}/${query}`;
      if (!referenceCache.has(key)) referenceCache.set(key, (await catalog.embedReference(version, queries[query]))[0]);
      return referenceCache.get(key)!;
    }
    const mismatches: string[] = [];
    const versionsSeen: Record<string, Set<string>> = { node: new Set(), edge: new Set() };
    for (const o of observations) {
      const version = o.body.modelVersion as string;
      versionsSeen[o.target].add(version);
      const want = await reference(version, o.query);
      if (o.kind === 'embed') {
        const diff = maxAbsDiff(o.body.embedding, want);
        if (diff > 1e-4) mismatches.push(`${o.target} embed q${o.query} ${version}: max abs diff ${diff}`);
      } else {
        const why = rankingMismatch(o.body.results, catalog.exactSearch(version, want, k), scoreIn(version, want));
        if (why) mismatches.push(`${o.target} search q${o.query} ${version}: ${why}`);
      }
    }
    // The check separates versions: another version's embedding of the same image is far off.
    const [a, b] = await Promise.all([reference(published[0], 0), reference(published[1], 0)]);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-2);

    console.info(
      `version swaps: ${observations.length} answers (${observations.filter((o) => o.target === 'edge').length} edge), ` +
        `versions seen node=${versionsSeen.node.size} edge=${versionsSeen.edge.size}, mismatches=${mismatches.length}`,
    );
    expect(mismatches.slice(0, 5), `${mismatches.length} mismatches`).toEqual([]);
    expect(versionsSeen.node.size).toBeGreaterThanOrEqual(10);
    expect(versionsSeen.edge.size).toBeGreaterThanOrEqual(10);
    expect(catalog.live.id).toBe(published.at(-1));
  });
});

function concat(images: Uint8Array[]): Float32Array {
  const out = new Float32Array(images.length * 784);
  images.forEach((image, i) => out.set(image, i * 784));
  return out;
}
