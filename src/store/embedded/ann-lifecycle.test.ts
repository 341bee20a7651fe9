import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { VectorPoint } from '../../core/vector-store';
import { openEmbeddedVectorStore, type EmbeddedVectorStore } from './index';
import { projectedFashionMnist } from './testing/projected-fashion-mnist';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'discern-ann-life-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const DIMENSION = 16;
const OPTIONS = { annThreshold: 1_000, annSaveEverySeconds: 0 };

async function catalog(count: number, offset = 0, prefix = 'img'): Promise<VectorPoint[]> {
  const vectors = await projectedFashionMnist({ count, offset, dimension: DIMENSION });
  return vectors.map((vector, i) => ({ id: `${prefix}-${offset + i}`, vector, payload: { label: `c${i % 10}` } }));
}

/** Mean recall@10 of the store's answers against a float64 scan of `points` (unit vectors). */
async function measuredRecall(store: EmbeddedVectorStore, collection: string, points: Map<string, VectorPoint>, queries: Float32Array[]): Promise<number> {
  let found = 0;
  for (const query of queries) {
    const truth = [...points.values()]
      .map((p) => ({ id: p.id, score: Array.from(p.vector).reduce((sum, x, i) => sum + x * query[i], 0) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 10);
    const wanted = new Set(truth.map((h) => h.id));
    for (const hit of await store.search(collection, query, { k: 10 })) if (wanted.has(hit.id)) found++;
  }
  return found / (queries.length * 10);
}

async function indexFiles(dir: string, collection: string): Promise<string[]> {
  return (await readdir(join(dir, 'collections', collection))).filter((f) => f.startsWith('ann')).sort();
}

async function readyStore(dir: string, points: VectorPoint[]): Promise<EmbeddedVectorStore> {
  const store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
  await store.createCollection('v1', { dimension: DIMENSION, distance: 'cosine' });
  await store.setAlias('live', 'v1');
  await store.upsert('v1', points);
  await store.annIdle('v1');
  return store;
}

describe('embedded store approximate index lifecycle', () => {
  it('saves the live index, loads it on reopen instead of rebuilding, and keeps recall ≥ 0.95', async () => {
    const dir = await tempDir();
    const points = await catalog(3_000);
    const queries = (await catalog(40, 69_000)).map((p) => p.vector as Float32Array);
    let store = await readyStore(dir, points);
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', origin: 'built', indexed: 3_000 });
    await store.close();
    expect(await indexFiles(dir, 'v1')).toHaveLength(2);

    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    // Ready the moment the store opens: nothing to build.
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', origin: 'file', indexed: 3_000, pending: 0 });
    const byId = new Map(points.map((p) => [p.id, p]));
    expect(await measuredRecall(store, 'live', byId, queries)).toBeGreaterThanOrEqual(0.95);
    expect(store.annStatus('live').served).toBe(queries.length);
    await store.close();
  }, 60_000);

  it('keeps recall through incremental upserts and deletes, and patches a stale index file with what was written after it', async () => {
    const dir = await tempDir();
    const first = await catalog(2_000);
    let store = await readyStore(dir, first);
    await store.close();
    const collectionDir = join(dir, 'collections', 'v1');
    const stale = join(dir, 'stale-index');
    await cp(collectionDir, stale, { recursive: true, filter: (src) => src === collectionDir || basename(src).startsWith('ann') });

    const byId = new Map(first.map((p) => [p.id, p]));
    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    const added = await catalog(1_000, 2_000);
    await store.upsert('v1', added);
    for (const p of added) byId.set(p.id, p);
    const removed = first.slice(0, 300).map((p) => p.id);
    await store.delete('v1', removed);
    for (const id of removed) byId.delete(id);
    // A moved point: its old neighbourhood must no longer find it.
    const moved = { ...first[500], vector: added[0].vector };
    await store.upsert('v1', [moved]);
    byId.set(moved.id, moved);
    await store.annIdle('v1');
    const queries = (await catalog(40, 69_000)).map((p) => p.vector as Float32Array);
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', origin: 'file', indexed: byId.size });
    expect(await measuredRecall(store, 'live', byId, queries)).toBeGreaterThanOrEqual(0.95);
    await store.close();
    // The file saved on close, removed points included, loads as it is.
    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', origin: 'file', indexed: byId.size, pending: 0 });
    expect(await measuredRecall(store, 'live', byId, queries)).toBeGreaterThanOrEqual(0.95);
    await store.close();

    // Put back the index file saved before those writes: the store must fold them in again.
    for (const f of await indexFiles(dir, 'v1')) await rm(join(collectionDir, f));
    for (const f of await readdir(stale)) await cp(join(stale, f), join(collectionDir, f));
    expect(JSON.parse(await readFile(join(collectionDir, 'ann.json'), 'utf8')).records).toBe(2_000);
    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(store.annStatus('live')).toMatchObject({ origin: 'file', pending: 1_000 + 300 + 1 });
    await store.annIdle('live');
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', origin: 'file', indexed: byId.size, pending: 0 });
    expect(await measuredRecall(store, 'live', byId, queries)).toBeGreaterThanOrEqual(0.95);
    const hits = await store.search('live', moved.vector, { k: 3 });
    expect(hits.map((h) => h.id)).toContain(moved.id);
    for (const hit of hits) expect(byId.has(hit.id)).toBe(true);
    await store.close();
  }, 60_000);

  it('detects a corrupt index file and rebuilds the index', async () => {
    const dir = await tempDir();
    const points = await catalog(2_000);
    let store = await readyStore(dir, points);
    await store.close();
    const collectionDir = join(dir, 'collections', 'v1');
    const graph = (await indexFiles(dir, 'v1')).find((f) => f.endsWith('.usearch'))!;
    const bytes = await readFile(join(collectionDir, graph));
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(join(collectionDir, graph), bytes);

    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(store.annStatus('live')).toMatchObject({ state: 'building', origin: 'built' });
    await store.annIdle('live');
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', indexed: 2_000 });
    await store.close();
    // The rebuilt index replaced the corrupt file.
    expect(await indexFiles(dir, 'v1')).not.toContain(graph);

    // A truncated file is caught as well.
    const rebuilt = (await indexFiles(dir, 'v1')).find((f) => f.endsWith('.usearch'))!;
    await writeFile(join(collectionDir, rebuilt), (await readFile(join(collectionDir, rebuilt))).subarray(0, 1_000));
    store = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(store.annStatus('live')).toMatchObject({ state: 'building', origin: 'built' });
    await store.close();
  }, 60_000);

  it('saves no index file for a collection being filled until an alias names it', async () => {
    const dir = await tempDir();
    const points = await catalog(2_000);
    const store = await readyStore(dir, points);
    await store.createCollection('v2', { dimension: DIMENSION, distance: 'cosine' });
    await store.upsert('v2', points);
    await store.annIdle('v2');
    expect(store.annStatus('v2')).toMatchObject({ state: 'ready', indexed: 2_000 });
    // Saves are due at once here (annSaveEverySeconds 0): give a due one time to land.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await indexFiles(dir, 'v2')).toEqual([]);

    await store.setAlias('live', 'v2');
    const deadline = Date.now() + 10_000;
    while ((await indexFiles(dir, 'v2')).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await indexFiles(dir, 'v2')).toHaveLength(2);
    await store.close();
    const reopened = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(reopened.annStatus('live')).toMatchObject({ state: 'ready', origin: 'file', indexed: 2_000 });
    await reopened.close();
  }, 60_000);

  it('builds the index of a collection being filled in its own thread, takes it over as an alias moves onto it, and commits the graph that thread wrote', async () => {
    const dir = await tempDir();
    const points = await catalog(3_000);
    const store = await readyStore(dir, points.slice(0, 1_500));
    await store.createCollection('v2', { dimension: DIMENSION, distance: 'cosine' });
    await store.upsert('v2', points.slice(0, 2_000));
    await store.upsert('v2', points.slice(2_000));
    await store.delete('v2', ['img-0', 'img-1']);
    // The thread catches up with every write, but the store keeps scanning exactly until it takes the graph over.
    const until = async (done: () => boolean | Promise<boolean>) => {
      const deadline = Date.now() + 20_000;
      while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    };
    await until(() => store.annStatus('v2').indexed === 2_998 && store.annStatus('v2').pending === 0);
    expect(store.annStatus('v2')).toMatchObject({ state: 'building', indexed: 2_998, pending: 0, origin: 'built' });
    await store.search('v2', points[5].vector, { k: 5 });
    expect(store.annStatus('v2').served).toBe(0);

    await store.setAlias('live', 'v2');
    // Searchable through the index the moment the alias names it.
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', indexed: 2_998, pending: 0 });
    expect((await store.search('live', points[5].vector, { k: 1 }))[0].id).toBe('img-5');
    expect(store.annStatus('live').served).toBe(1);
    // The graph file the thread wrote becomes the saved index; no leftover beside it.
    const files = async () => (await readdir(join(dir, 'collections', 'v2'))).filter((f) => f.includes('ann')).sort();
    await until(async () => (await files()).length === 2);
    expect(await files()).toEqual([expect.stringMatching(/^ann-.*\.usearch$/), 'ann.json']);
    await store.close();
    const saved = JSON.parse(await readFile(join(dir, 'collections', 'v2', 'ann.json'), 'utf8'));
    expect(saved.keys.filter((id: string | null) => id !== null)).toHaveLength(2_998);

    // Without a saved graph, the live collection's index is rebuilt in the thread and taken over once it has caught up.
    for (const f of await files()) await rm(join(dir, 'collections', 'v2', f));
    const reopened = await openEmbeddedVectorStore({ dir, ...OPTIONS });
    expect(reopened.annStatus('live')).toMatchObject({ state: 'building', origin: 'built' });
    await until(() => reopened.annStatus('live').state === 'ready');
    expect(reopened.annStatus('live')).toMatchObject({ state: 'ready', origin: 'built', indexed: 2_998 });
    await reopened.close();
  }, 60_000);

  it('indexes only the live collection and the one being filled, and cancels a superseded build', async () => {
    const dir = await tempDir();
    const points = await catalog(3_000);
    const store = await openEmbeddedVectorStore({ dir, ...OPTIONS, annBuildSliceMs: 1, annBuildThreads: 1 });
    await store.createCollection('v1', { dimension: DIMENSION, distance: 'cosine' });
    await store.setAlias('live', 'v1');
    await store.upsert('v1', points);
    await store.annIdle('v1');

    // v2 is filled for the next version, but v3 supersedes it before it goes live.
    await store.createCollection('v2', { dimension: DIMENSION, distance: 'cosine' });
    await store.upsert('v2', points);
    expect(store.annStatus('v2').state).toBe('building');
    await store.createCollection('v3', { dimension: DIMENSION, distance: 'cosine' });
    expect(store.annStatus('v2')).toMatchObject({ state: 'off', indexed: 0 });
    expect(store.annStatus('v1').state).toBe('ready');
    await store.upsert('v2', points.slice(0, 10));
    expect(store.annStatus('v2').state).toBe('off');

    await store.upsert('v3', points);
    await store.annIdle('v3');
    await store.setAlias('live', 'v3');
    // v1 is no longer live and not the newest: its index is let go.
    expect(store.annStatus('v1').state).toBe('off');
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', indexed: 3_000 });
    // Searches of a collection without an index are exact.
    const query = points[7].vector;
    expect((await store.search('v2', query, { k: 1 }))[0].id).toBe(points[7].id);
    await store.close();
  }, 60_000);
});
