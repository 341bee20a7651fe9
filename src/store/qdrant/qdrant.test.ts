import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VectorStoreError, type VectorStore } from '../../core/vector-store';
import { registerVectorStoreContract } from '../vector-store.contract';
import { switchAliasActions } from './alias-actions';
import { toQdrantFilter } from '../../qdrant-wire/payload-mapping';
import { startLocalQdrantServer, type LocalQdrantServer } from '../../../test/support/local-qdrant-server';
import { qdrantAvailability, startQdrant, type QdrantServer } from '../../../test/support/qdrant';
import { createQdrantVectorStore, toQdrantPointId } from './index';

let loopback: Promise<LocalQdrantServer> | undefined;
const loopbackUrl = async () => (await (loopback ??= startLocalQdrantServer())).url;
registerVectorStoreContract('qdrant over the loopback Qdrant REST server', {
  open: async () => createQdrantVectorStore({ url: await loopbackUrl() }),
  reopen: async (store) => {
    await store.close();
    return createQdrantVectorStore({ url: await loopbackUrl() });
  },
});
afterAll(async () => (await loopback)?.close());

const realQdrant = qdrantAvailability();
let server: Promise<QdrantServer> | undefined;
const openReal = async () => {
  const { url, apiKey } = await (server ??= startQdrant());
  return createQdrantVectorStore({ url, apiKey });
};
registerVectorStoreContract(`real Qdrant${realQdrant.available ? ` (${realQdrant.source})` : ''}`, {
  open: openReal,
  reopen: async (store) => {
    await store.close();
    return openReal();
  },
  skipReason: realQdrant.available ? undefined : realQdrant.reason,
});
afterAll(async () => (await server)?.stop());

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('toQdrantPointId', () => {
  it('is the RFC 4122 name-based UUID (v5) of the id, as Python uuid.uuid5 computes it', () => {
    // Reference values from Python: uuid.uuid5(uuid.UUID('3b0c7e5a-9f7d-4c1e-8a2b-6d4f1e0c9a77'), s)
    expect(toQdrantPointId('item-42')).toBe('f268803b-b5a1-5c7c-933c-fbce99d70bd9');
    expect(toQdrantPointId('é-日本')).toBe('64d1f236-7327-5830-aaa6-03d6186a0a04');
    const ids = Array.from({ length: 2000 }, (_, i) => toQdrantPointId(`item-${i}`));
    expect(new Set(ids).size).toBe(2000);
    for (const id of ids.slice(0, 50)) expect(id).toMatch(UUID_V5);
  });
});

describe('toQdrantFilter and switchAliasActions', () => {
  it('turns label and attributes into must clauses, fractional numbers into one-point ranges', () => {
    expect(toQdrantFilter(undefined)).toBeUndefined();
    expect(toQdrantFilter({})).toBeUndefined();
    expect(toQdrantFilter({ label: 'shoe', attributes: { color: 'red', size: 3, sale: true, weight: 0.5 } })).toEqual({
      must: [
        { key: 'label', match: { value: 'shoe' } },
        { key: 'attributes.color', match: { value: 'red' } },
        { key: 'attributes.size', match: { value: 3 } },
        { key: 'attributes.sale', match: { value: true } },
        { key: 'attributes.weight', range: { gte: 0.5, lte: 0.5 } },
      ],
    });
  });

  it('turns any-of conditions into match-any and ranges into range conditions', () => {
    expect(toQdrantFilter({ label: { any: ['shoe', 'bag'] }, attributes: { size: { any: [1, 2] }, price: { gte: 10, lt: 50.5 } } })).toEqual({
      must: [
        { key: 'label', match: { any: ['shoe', 'bag'] } },
        { key: 'attributes.size', match: { any: [1, 2] } },
        { key: 'attributes.price', range: { gte: 10, lt: 50.5 } },
      ],
    });
  });

  it('deletes and recreates an existing alias in one action list', () => {
    expect(switchAliasActions('catalog', 'v2', true)).toEqual([
      { delete_alias: { alias_name: 'catalog' } },
      { create_alias: { collection_name: 'v2', alias_name: 'catalog' } },
    ]);
    expect(switchAliasActions('catalog', 'v1', false)).toEqual([{ create_alias: { collection_name: 'v1', alias_name: 'catalog' } }]);
  });
});

describe('Qdrant adapter over the loopback Qdrant REST server', () => {
  let server: LocalQdrantServer;
  let store: VectorStore;

  beforeEach(async () => {
    server = await startLocalQdrantServer();
    store = createQdrantVectorStore({ url: server.url, retry: { attempts: 4, baseDelayMs: 5 } });
  });
  afterEach(async () => {
    await store.close();
    await server.close();
  });

  it('creates a collection with HNSW m=16, ef_construct=100 and a keyword index on label', async () => {
    await store.createCollection('catalog_v000001', { dimension: 4, distance: 'cosine' });
    const [create] = server.find('PUT', '/collections/catalog_v000001');
    expect(create.body).toMatchObject({ vectors: { size: 4, distance: 'Cosine' }, hnsw_config: { m: 16, ef_construct: 100 } });
    const [index] = server.find('PUT', '/collections/catalog_v000001/index');
    expect(index.body).toMatchObject({ field_name: 'label', field_schema: 'keyword' });
    await expect(store.createCollection('catalog_v000001', { dimension: 4, distance: 'cosine' })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
    expect(server.find('PUT', '/collections/catalog_v000001')).toHaveLength(1);
    // An alias's name is taken as well: Qdrant reports it as existing and refuses a collection by that name.
    await store.setAlias('catalog', 'catalog_v000001');
    await expect(store.createCollection('catalog', { dimension: 4, distance: 'cosine' })).rejects.toMatchObject({ code: 'conflict', field: 'name' });
  });

  it('reports a collection created meanwhile by another process as a conflict', async () => {
    const other = createQdrantVectorStore({ url: server.url });
    const spec = { dimension: 2, distance: 'dot' } as const;
    const outcomes = await Promise.all([store.createCollection('race', spec), other.createCollection('race', spec)].map((p) => p.then(() => 'created', (e: unknown) => e)));
    await other.close();
    // Both saw no collection and both asked to create it; Qdrant's 409 decided the loser.
    expect(server.find('PUT', '/collections/race')).toHaveLength(2);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.find((o) => o !== 'created')).toMatchObject({ code: 'conflict', field: 'name' });
  });

  it('upserts in batches of 256 with UUID ids, the original id in the payload, and one index per attribute', async () => {
    await store.createCollection('c', { dimension: 3, distance: 'dot' });
    const points = Array.from({ length: 600 }, (_, i) => ({
      id: `item-${i}`,
      vector: [i, 1, 2],
      payload: { label: `l${i % 4}`, attributes: { color: i % 2 ? 'red' : 'blue', size: i % 3, sale: i % 5 === 0 } },
    }));
    await store.upsert('c', points);
    const upserts = server.find('PUT', '/collections/c/points');
    expect(upserts.map((r) => (r.body as { points: unknown[] }).points.length)).toEqual([256, 256, 88]);
    expect(upserts.every((r) => r.query.wait === 'true')).toBe(true);
    const sent = upserts.flatMap((r) => (r.body as { points: { id: string; vector: number[]; payload: Record<string, unknown> }[] }).points);
    sent.forEach((p, i) => {
      expect(p.id).toBe(toQdrantPointId(`item-${i}`));
      expect(p.vector).toEqual([i, 1, 2]);
      expect(p.payload).toEqual({ id: `item-${i}`, ...points[i].payload });
    });
    const indexes = server.find('PUT', '/collections/c/index').map((r) => r.body);
    expect(indexes).toEqual([
      expect.objectContaining({ field_name: 'label', field_schema: 'keyword' }),
      expect.objectContaining({ field_name: 'attributes.color', field_schema: 'keyword' }),
      expect.objectContaining({ field_name: 'attributes.size', field_schema: 'integer' }),
      expect.objectContaining({ field_name: 'attributes.sale', field_schema: 'bool' }),
    ]);
    await store.upsert('c', points.slice(0, 10));
    expect(server.find('PUT', '/collections/c/index')).toHaveLength(4);
  });

  it('retries a batch after transient 503s and gives up with an unavailable error', async () => {
    await store.createCollection('c', { dimension: 2, distance: 'cosine' });
    server.failNext(/\/points$/, 503, 2);
    await store.upsert('c', [{ id: 'a', vector: [1, 0], payload: {} }]);
    const attempts = server.find('PUT', '/collections/c/points');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => JSON.stringify(a.body))).size).toBe(1);

    server.failNext(/\/points$/, 503, 4);
    await expect(store.upsert('c', [{ id: 'b', vector: [0, 1], payload: {} }])).rejects.toMatchObject({ code: 'unavailable' });
    expect(server.find('PUT', '/collections/c/points')).toHaveLength(3 + 4);

    server.failNext(/\/points$/, 400, 1);
    await expect(store.upsert('c', [{ id: 'c', vector: [0, 1], payload: {} }])).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(server.find('PUT', '/collections/c/points')).toHaveLength(3 + 4 + 1);
  });

  it('reports a refused search as an invalid argument naming the filter (or the vector without one), not as unavailable', async () => {
    await store.createCollection('r', { dimension: 2, distance: 'cosine' });
    server.failNext(/\/points\/query$/, 400, 1);
    await expect(store.search('r', [1, 0], { k: 1, filter: { attributes: { color: 'red' } } })).rejects.toMatchObject({ code: 'invalid_argument', field: 'filter' });
    server.failNext(/\/points\/query$/, 400, 1);
    await expect(store.search('r', [1, 0], { k: 1 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'vector' });
    expect(server.find('POST', '/collections/r/points/query')).toHaveLength(2);
  });

  it('searches with translated filters, ranks by distance, maps ids back and negates Euclidean distances', async () => {
    await store.createCollection('e', { dimension: 2, distance: 'euclid' });
    const points = [
      { id: 'far', vector: [3, -1], payload: { label: 'x', attributes: { color: 'red' } } },
      { id: 'near', vector: [0.4, 0.7], payload: { label: 'x', attributes: { color: 'red' } } },
      { id: 'middle', vector: [1, 0], payload: { label: 'x', attributes: { color: 'blue' } } },
      { id: 'same', vector: [0.5, 0.5], payload: { label: 'y' } },
    ];
    await store.upsert('e', points);
    const query = [0.5, 0.5];
    const distanceTo = (id: string) => {
      const v = points.find((p) => p.id === id)!.vector;
      return Math.hypot(v[0] - query[0], v[1] - query[1]);
    };

    const hits = await store.search('e', new Float32Array(query), { k: 3, filter: { label: 'x', attributes: { color: 'red' } } });
    const [request] = server.find('POST', '/collections/e/points/query');
    expect(request.body).toMatchObject({
      query,
      limit: 3,
      with_payload: true,
      filter: { must: [{ key: 'label', match: { value: 'x' } }, { key: 'attributes.color', match: { value: 'red' } }] },
    });
    // Only the two red x points match; the later-inserted one is closer, so it comes first.
    expect(hits.map((h) => h.id)).toEqual(['near', 'far']);
    for (const hit of hits) expect(hit.score).toBeCloseTo(-distanceTo(hit.id), 6);
    expect(hits[0].payload).toEqual({ label: 'x', attributes: { color: 'red' } });

    const unfiltered = await store.search('e', query, { k: 3 });
    expect(unfiltered.map((h) => h.id)).toEqual(['same', 'near', 'middle']);
    expect(unfiltered.map((h) => h.score)).toEqual([...unfiltered.map((h) => h.score)].sort((a, b) => b - a));

    const got = await store.get('e', 'near');
    expect(server.find('POST', '/collections/e/points').at(-1)?.body).toMatchObject({ ids: [toQdrantPointId('near')], with_vector: true });
    expect(got).toEqual({ id: 'near', vector: new Float32Array([0.4, 0.7]), payload: { label: 'x', attributes: { color: 'red' } } });
    expect(await store.get('e', 'absent')).toBeUndefined();
  });

  it('scores a cosine collection by cosine similarity, whatever the vectors\' lengths', async () => {
    await store.createCollection('c', { dimension: 3, distance: 'cosine' });
    const vectors: Record<string, number[]> = { long: [10, 0, 0.5], short: [0.1, 0.2, 0], opposite: [-2, -1, 0] };
    await store.upsert('c', Object.entries(vectors).map(([id, vector]) => ({ id, vector, payload: {} })));
    const query = [1, 1, 0];
    const cosine = (v: number[]) => (v[0] * query[0] + v[1] * query[1] + v[2] * query[2]) / (Math.hypot(...v) * Math.hypot(...query));
    const hits = await store.search('c', query, { k: 3 });
    expect(hits.map((h) => h.id)).toEqual(['short', 'long', 'opposite']);
    for (const hit of hits) expect(hit.score).toBeCloseTo(cosine(vectors[hit.id]), 6);
    // Qdrant keeps cosine vectors normalised, so that is what reading one back gives.
    const norm = Math.hypot(...vectors.long);
    expect(Array.from((await store.get('c', 'long'))!.vector)).toEqual(vectors.long.map((v) => Math.fround(v / norm)));
  });

  it('deletes by mapped ids and counts points through listCollections', async () => {
    await store.createCollection('c', { dimension: 2, distance: 'cosine' });
    await store.upsert('c', [
      { id: 'a', vector: [1, 0], payload: {} },
      { id: 'b', vector: [0, 1], payload: {} },
    ]);
    await store.delete('c', ['a']);
    expect(server.find('POST', '/collections/c/points/delete')[0].body).toMatchObject({ points: [toQdrantPointId('a')] });
    expect(await store.listCollections()).toEqual([{ name: 'c', dimension: 2, distance: 'cosine', count: 1 }]);
    expect(server.find('POST', '/collections/c/points/count')[0].body).toMatchObject({ exact: true });
  });

  it('switches an alias with one updateCollectionAliases call holding delete and create', async () => {
    await store.createCollection('v1', { dimension: 2, distance: 'cosine' });
    await store.createCollection('v2', { dimension: 2, distance: 'cosine' });
    await store.setAlias('live', 'v1');
    await store.setAlias('live', 'v2');
    const calls = server.find('POST', '/collections/aliases').map((r) => r.body);
    expect(calls).toEqual([
      { actions: [{ create_alias: { collection_name: 'v1', alias_name: 'live' } }] },
      { actions: [{ delete_alias: { alias_name: 'live' } }, { create_alias: { collection_name: 'v2', alias_name: 'live' } }] },
    ]);
    expect(await store.resolveAlias('live')).toBe('v2');
    expect(await store.resolveAlias('nope')).toBeUndefined();
    await expect(store.setAlias('live', 'missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('rejects bad input before sending anything', async () => {
    await store.createCollection('c', { dimension: 3, distance: 'cosine' });
    const before = server.requests.length;
    const field = async (promise: Promise<unknown>) => ((await promise.catch((e: unknown) => e)) as VectorStoreError).field;
    expect(await field(store.upsert('c', [{ id: 'a', vector: [1, 2], payload: {} }]))).toBe('points[0].vector');
    expect(await field(store.upsert('c', [{ id: 'a', vector: [1, Number.NaN, 2], payload: {} }]))).toBe('points[0].vector[1]');
    expect(await field(store.upsert('c', [{ id: '', vector: [1, 2, 3], payload: {} }]))).toBe('points[0].id');
    expect(await field(store.search('c', [1, 2, 3, 4], { k: 1 }))).toBe('vector');
    expect(await field(store.search('c', [1, 2, 3], { k: -1 }))).toBe('k');
    expect(server.requests.length).toBe(before);
  });

  it('sends offsets, thresholds (negated for Euclid), batches and average_vector recommendations to the query API', async () => {
    await store.createCollection('e', { dimension: 2, distance: 'euclid' });
    await store.upsert('e', [
      { id: 'a', vector: [0, 0], payload: {} },
      { id: 'b', vector: [1, 0], payload: {} },
      { id: 'c', vector: [3, 0], payload: {} },
      { id: 'd', vector: [0, 2], payload: {} },
    ]);
    const near = await store.search('e', [0, 0], { k: 5, offset: 1, scoreThreshold: -2.5 });
    expect(server.find('POST', '/collections/e/points/query').at(-1)?.body).toMatchObject({ limit: 5, offset: 1, score_threshold: 2.5 });
    expect(near.map((h) => [h.id, h.score])).toEqual([['b', -1], ['d', -2]]);

    const batch = await store.searchBatch('e', [{ vector: [0, 0], k: 1 }, { vector: [3, 0], k: 2 }]);
    expect(server.find('POST', '/collections/e/points/query/batch')[0].body.searches).toHaveLength(2);
    expect(batch.map((hits) => hits.map((h) => h.id))).toEqual([['a'], ['c', 'b']]);

    // 2·(1, 0) − (0, 2) = (2, −2): c is √5 away, a √8; the examples b and d are left out.
    const recommended = await store.recommend('e', { positive: ['b'], negative: ['d'], k: 5 });
    expect(server.find('POST', '/collections/e/points/query').at(-1)?.body.query).toEqual({
      recommend: { positive: [toQdrantPointId('b')], negative: [toQdrantPointId('d')], strategy: 'average_vector' },
    });
    expect(recommended.map((h) => h.id)).toEqual(['c', 'a']);
    await expect(store.recommend('e', { positive: ['b', 'zz'], k: 1 })).rejects.toMatchObject({ code: 'not_found', field: 'positive[1]' });
  });

  it('creates int8-quantized, sharded and replicated collections and rescores quantized searches when asked to', async () => {
    const quantized = createQdrantVectorStore({ url: server.url, quantization: 'int8', shards: 3, replicationFactor: 2 });
    await quantized.createCollection('q', { dimension: 2, distance: 'cosine' });
    expect(server.find('PUT', '/collections/q')[0].body).toMatchObject({
      vectors: { size: 2, distance: 'Cosine', on_disk: true },
      shard_number: 3,
      replication_factor: 2,
      quantization_config: { scalar: { type: 'int8', quantile: 0.99, always_ram: true } },
    });
    await quantized.upsert('q', [{ id: 'a', vector: [1, 0], payload: {} }]);
    await quantized.search('q', [1, 0], { k: 1 });
    expect(server.find('POST', '/collections/q/points/query')[0].body).toMatchObject({ params: { quantization: { rescore: true, oversampling: 2 } } });
    await store.createCollection('plain', { dimension: 2, distance: 'cosine' });
    expect(server.find('PUT', '/collections/plain')[0].body.quantization_config).toBeUndefined();
    expect(server.find('PUT', '/collections/plain')[0].body.vectors.on_disk).toBeUndefined();
    expect(server.find('PUT', '/collections/plain')[0].body).toMatchObject({ shard_number: 1, replication_factor: 1 });
    expect(() => createQdrantVectorStore({ url: server.url, quantization: 'int4' as never })).toThrow(/quantization/);
    expect(() => createQdrantVectorStore({ url: server.url, shards: 0 })).toThrow(/shards/);
    await quantized.close();
  });

  it('reports health from a cheap call, and unhealthy when the server is gone', async () => {
    expect(await store.health()).toMatchObject({ ok: true });
    expect(server.find('GET', '/')).toHaveLength(1);
    await server.close();
    const health = await store.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain('unreachable');
    server = await startLocalQdrantServer();
  });
});
