import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { createLogger } from '../log/logger';
import { createVectorStore } from '../store';
import { createCatalogEmbedder } from './catalog-embedder';
import { CatalogState } from './catalog-state';

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
    const catalog = new CatalogState({ features: 3 });
    for (let i = 0; i < 10; i++) catalog.upsert({ id: `ok-${i}`, label: 'x', attributes: { n: i } }, Float32Array.from([i, 1, 2]), i);
    // Payloads the schemas would never let through, handed to the catalog directly.
    catalog.upsert({ id: 'dotted', attributes: { 'color.primary': 'red' } }, Float32Array.from([1, 1, 1]), 20);
    catalog.upsert({ id: 'non-finite' }, Float32Array.from([NaN, 0, 0]), 21);
    const embedder = createCatalogEmbedder({ vectorStore: store, runtime: identity, batchSize: 4, log });
    const chunks: number[] = [];
    const { written, refused } = await embedder.embedInto('v000001', 'catalog_v000001', catalog, catalog.embeddable(), (n) => chunks.push(n));
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
    const catalog = new CatalogState({ features: 3 });
    catalog.upsert({ id: 'late' }, Float32Array.from([5, 5, 5]), 1);
    const embedder = createCatalogEmbedder({ vectorStore: flaky, runtime: identity, log, unavailableRetryDelaysMs: [20, 20, 20] });
    expect(await embedder.embedInto('v000001', 'catalog_v000001', catalog, catalog.embeddable())).toEqual({ written: 1, refused: [] });

    failures = 10;
    await expect(embedder.embedInto('v000001', 'catalog_v000001', catalog, catalog.embeddable())).rejects.toMatchObject({ code: 'unavailable' });
    expect(failures).toBe(6);
  });
});
