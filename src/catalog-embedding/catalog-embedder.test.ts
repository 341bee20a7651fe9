import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { createLogger } from '../log/logger';
import { createVectorStore } from '../store';
import { createCatalogEmbedder, type CatalogRow } from './catalog-embedder';

/** A model version that embeds a 3-feature input as itself: enough to follow each row to its point. */
const identity = { embed: async (_version: string, input: Float32Array) => input.slice() };
const log = createLogger('catalog-embedder-test');

describe('catalog embedder (embedded vector store)', () => {
  let dir: string;
  let store: VectorStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discern-embedder-'));
    store = await createVectorStore({ kind: 'embedded', dir });
    await store.createCollection('catalog_v000001', { dimension: 3, distance: 'euclid' });
  });

  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes every good item and leaves out, with a reason, only those the store refuses or that embed to non-finite values', async () => {
    const rows: CatalogRow[] = Array.from({ length: 10 }, (_, i) => ({ id: `ok-${i}`, input: Float32Array.from([i, 1, 2]), payload: { label: 'x', attributes: { n: i } } }));
    // A payload the schemas would never let through, handed to the embedder directly.
    rows.push({ id: 'dotted', input: Float32Array.from([1, 1, 1]), payload: { attributes: { 'color.primary': 'red' } } });
    rows.push({ id: 'non-finite', input: Float32Array.from([NaN, 0, 0]), payload: {} });
    const embedder = createCatalogEmbedder({ vectorStore: store, runtime: identity, batchSize: 4, log });
    const chunks: number[] = [];
    const { written, refused } = await embedder.embedCatalog({
      version: 'v000001',
      collection: 'catalog_v000001',
      rowShape: [3],
      rows,
      onProgress: (n) => chunks.push(n),
    });
    expect(written).toBe(10);
    expect(chunks).toEqual([4, 4, 4]);
    expect(refused.map((r) => r.id).sort()).toEqual(['dotted', 'non-finite']);
    expect(refused.find((r) => r.id === 'dotted')!.reason).toMatch(/attributes\.color\.primary: attribute names must be/);
    expect(refused.find((r) => r.id === 'non-finite')!.reason).toMatch(/^vector: .*not finite/);
    const count = (await store.listCollections()).find((c) => c.name === 'catalog_v000001')!.count;
    expect(count).toBe(10);
    expect((await store.get('catalog_v000001', 'ok-7'))!.payload).toEqual({ label: 'x', attributes: { n: 7 } });
  });

  it('waits out an unavailable store and never takes unavailability for a refusal', async () => {
    let failures = 2;
    const flaky: VectorStore = {
      ...store,
      upsert: async (collection, points) => {
        if (failures-- > 0) throw new VectorStoreError('connection refused', 'unavailable');
        return store.upsert(collection, points);
      },
    };
    const embedder = createCatalogEmbedder({ vectorStore: flaky, runtime: identity, log, unavailableRetryDelaysMs: [20, 20, 20] });
    const job = () => ({ version: 'v000001', collection: 'catalog_v000001', rowShape: [3], rows: [{ id: 'late', input: Float32Array.from([5, 5, 5]), payload: {} }] });
    expect(await embedder.embedCatalog(job())).toEqual({ written: 1, refused: [] });

    failures = 10;
    await expect(embedder.embedCatalog(job())).rejects.toMatchObject({ code: 'unavailable' });
    expect(failures).toBe(6);
  });

  const rowsOf = (n: number, prefix: string): CatalogRow[] =>
    Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i}`, input: Float32Array.from([i, 1, 2]), payload: { attributes: { n: i } } }));
  const countOf = async (collection: string) => (await store.listCollections()).find((c) => c.name === collection)!.count;

  it('keeps `sessions` batches in flight, writes every row once and refuses a row of the wrong size', async () => {
    await store.createCollection('catalog_sessions', { dimension: 3, distance: 'euclid' });
    let inFlight = 0;
    let mostInFlight = 0;
    const slow = {
      embed: async (_version: string, input: Float32Array) => {
        mostInFlight = Math.max(mostInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 20));
        inFlight--;
        return input.slice();
      },
    };
    const rows = [...rowsOf(11, 's'), { id: 'short', input: Float32Array.from([1, 2]), payload: {} }];
    const done: number[] = [];
    const embedder = createCatalogEmbedder({ vectorStore: store, runtime: slow, batchSize: 2, sessions: 3, log });
    const { written, refused } = await embedder.embedCatalog({ version: 'v1', collection: 'catalog_sessions', rowShape: [3], rows, onProgress: (n) => done.push(n) });
    expect(mostInFlight).toBe(3);
    expect(written).toBe(11);
    expect(refused).toEqual([{ id: 'short', reason: 'input: expected 3 values, got 2' }]);
    expect(done.reduce((a, b) => a + b, 0)).toBe(12);
    expect(await countOf('catalog_sessions')).toBe(11);
    expect([...(await store.get('catalog_sessions', 's-10'))!.vector]).toEqual([10, 1, 2]);
  });

  it('a cancelled job starts no further batch and rejects with the reason once nothing is writing', async () => {
    await store.createCollection('catalog_cancelled', { dimension: 3, distance: 'euclid' });
    const superseded = new AbortController();
    const embedder = createCatalogEmbedder({ vectorStore: store, runtime: identity, batchSize: 4, sessions: 2, log });
    const job = embedder.embedCatalog({
      version: 'v1',
      collection: 'catalog_cancelled',
      rowShape: [3],
      rows: rowsOf(40, 'c'),
      signal: superseded.signal,
      onProgress: () => superseded.abort(new Error('superseded by v2')),
    });
    await expect(job).rejects.toThrow('superseded by v2');
    const written = await countOf('catalog_cancelled');
    expect(written).toBeGreaterThanOrEqual(4);
    expect(written).toBeLessThanOrEqual(8);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await countOf('catalog_cancelled')).toBe(written);
  });

  it('a failing batch stops the other lanes before the job rejects', async () => {
    await store.createCollection('catalog_failing', { dimension: 3, distance: 'euclid' });
    let calls = 0;
    const dying = {
      embed: async (_version: string, input: Float32Array) => {
        if (++calls === 3) throw new Error('session lost');
        await new Promise((resolve) => setTimeout(resolve, 5));
        return input.slice();
      },
    };
    const embedder = createCatalogEmbedder({ vectorStore: store, runtime: dying, batchSize: 2, sessions: 2, log });
    await expect(embedder.embedCatalog({ version: 'v1', collection: 'catalog_failing', rowShape: [3], rows: rowsOf(30, 'f') })).rejects.toThrow('session lost');
    const written = await countOf('catalog_failing');
    expect(written).toBeLessThanOrEqual(6);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await countOf('catalog_failing')).toBe(written);
    expect(calls).toBeLessThanOrEqual(4);
  });
});
