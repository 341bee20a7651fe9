import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SearchHit, VectorDistance, VectorPoint } from '../../core/vector-store';
import { seededRandom } from '../seeded-random';
import { openEmbeddedVectorStore, type EmbeddedVectorStore } from './index';
import { projectedFashionMnist } from './testing/projected-fashion-mnist';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'discern-ann-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Float64 reference score; vectors are compared as given (cosine ones are already unit). */
function referenceScore(distance: VectorDistance, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    sq += (a[i] - b[i]) ** 2;
  }
  return distance === 'euclid' ? -Math.sqrt(sq) : dot;
}

function bruteForce(points: Map<string, VectorPoint>, distance: VectorDistance, query: ArrayLike<number>, k: number, keep: (p: VectorPoint) => boolean = () => true) {
  const best: { id: string; score: number }[] = [];
  for (const p of points.values()) {
    if (!keep(p)) continue;
    const score = referenceScore(distance, query, p.vector);
    if (best.length === k && score <= best[k - 1].score) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && best[at - 1].score < score) {
      if (at < k) best[at] = best[at - 1];
      at--;
    }
    best[at] = { id: p.id, score };
  }
  return best;
}

function recall(actual: { id: string }[], expected: { id: string }[]): number {
  const wanted = new Set(expected.map((h) => h.id));
  return actual.filter((h) => wanted.has(h.id)).length / expected.length;
}

/** Every hit carries its stored payload and its true score, and hits come best first. */
function expectTrueHits(hits: SearchHit[], points: Map<string, VectorPoint>, distance: VectorDistance, query: ArrayLike<number>) {
  hits.forEach((hit, i) => {
    const point = points.get(hit.id);
    expect(point, `hit ${hit.id} is a live point`).toBeDefined();
    expect(hit.payload).toEqual(point!.payload);
    expect(hit.score).toBeCloseTo(referenceScore(distance, query, point!.vector), 4);
    if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1].score);
  });
}

function randomPoints(count: number, dimension: number, seed: number, prefix = 'p'): VectorPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    vector: Float32Array.from({ length: dimension }, () => random() * 2 - 1),
    payload: { label: `l${i % 5}`, attributes: { n: i } },
  }));
}

describe('embedded store approximate index', () => {
  it('answers unfiltered searches on 25 000 projected Fashion-MNIST images with recall@10 ≥ 0.98 and true scores', async () => {
    const dimension = 64;
    const catalog = await projectedFashionMnist({ count: 25_000, dimension });
    const queries = await projectedFashionMnist({ offset: 69_800, count: 200, dimension });
    const points = new Map(catalog.map((vector, i) => [`img-${i}`, { id: `img-${i}`, vector, payload: { label: `c${i % 10}`, attributes: { i } } }]));
    const store = await openEmbeddedVectorStore({ dir: await tempDir(), annThreshold: 20_000 });
    await store.createCollection('fmnist', { dimension, distance: 'cosine' });
    const all = [...points.values()];
    for (let i = 0; i < all.length; i += 5_000) {
      await store.upsert('fmnist', all.slice(i, i + 5_000));
      if (i === 10_000) expect(store.annStatus('fmnist').state).toBe('off');
    }
    expect(store.annStatus('fmnist').state).toBe('building');
    await store.annIdle('fmnist');
    expect(store.annStatus('fmnist')).toMatchObject({ state: 'ready', indexed: 25_000, pending: 0, served: 0 });
    expect(store.annStatus('fmnist').recall).toBeGreaterThanOrEqual(0.95);

    let total = 0;
    for (const query of queries) {
      const hits = await store.search('fmnist', query, { k: 10 });
      expect(hits).toHaveLength(10);
      expectTrueHits(hits, points, 'cosine', query);
      total += recall(hits, bruteForce(points, 'cosine', query, 10));
    }
    expect(store.annStatus('fmnist').served).toBe(queries.length);
    expect(total / queries.length).toBeGreaterThanOrEqual(0.98);

    // Filtered searches keep to the exact scan.
    const filtered = await store.search('fmnist', queries[0], { k: 10, filter: { label: 'c3' } });
    expect(filtered.map((h) => h.id)).toEqual(bruteForce(points, 'cosine', queries[0], 10, (p) => p.payload.label === 'c3').map((h) => h.id));
    expect(store.annStatus('fmnist').served).toBe(queries.length);
    await store.close();
  }, 60_000);

  it('serves pages, thresholds and recommendations from the index, leaving the examples out', async () => {
    const dimension = 16;
    const distance = 'dot';
    const points = new Map(randomPoints(3_000, dimension, 9).map((p) => [p.id, p]));
    const store = await openEmbeddedVectorStore({ dir: await tempDir(), annThreshold: 1_000 });
    await store.createCollection('c', { dimension, distance });
    await store.upsert('c', [...points.values()]);
    await store.annIdle('c');
    const served = () => store.annStatus('c').served;
    let found = 0;
    const queries = randomPoints(10, dimension, 10, 'q').map((p) => p.vector as Float32Array);
    for (const query of queries) {
      const before = served();
      const pages = [...(await store.search('c', query, { k: 10 })), ...(await store.search('c', query, { k: 10, offset: 10 }))];
      expect(served() - before).toBe(2);
      expectTrueHits(pages, points, distance, query);
      expect(new Set(pages.map((h) => h.id)).size).toBe(20);
      found += recall(pages, bruteForce(points, distance, query, 20));
      const cut = await store.search('c', query, { k: 20, scoreThreshold: pages[4].score - 1e-9 });
      expect(cut.map((h) => h.id)).toEqual(pages.slice(0, 5).map((h) => h.id));
    }
    expect(found / queries.length).toBeGreaterThanOrEqual(0.95);

    const positive = ['p1', 'p2'];
    const negative = ['p3'];
    const mean = (ids: string[]) => Array.from({ length: dimension }, (_, j) => ids.reduce((s, id) => s + points.get(id)!.vector[j], 0) / ids.length);
    const target = mean(positive).map((x, j) => 2 * x - mean(negative)[j]);
    const before = served();
    const hits = await store.recommend('c', { positive, negative, k: 10 });
    expect(served() - before).toBe(1);
    expectTrueHits(hits, points, distance, target);
    expect(hits.some((h) => [...positive, ...negative].includes(h.id))).toBe(false);
    expect(recall(hits, bruteForce(points, distance, target, 10, (p) => !positive.includes(p.id) && !negative.includes(p.id)))).toBeGreaterThanOrEqual(0.9);
    await store.close();
  });

  it('reflects deletes and upserts, scores euclid as negative distance, and rebuilds after compaction', async () => {
    const dimension = 12;
    const distance = 'euclid';
    const points = new Map(randomPoints(3_000, dimension, 3).map((p) => [p.id, p]));
    const store = await openEmbeddedVectorStore({ dir: await tempDir(), annThreshold: 1_000, compactAfterDeadRecords: 2_000 });
    await store.createCollection('c', { dimension, distance });
    await store.upsert('c', [...points.values()]);
    await store.annIdle('c');
    const queries = randomPoints(20, dimension, 4, 'q').map((p) => p.vector as Float32Array);

    async function check(expectServed: boolean) {
      const before = store.annStatus('c').served;
      let total = 0;
      for (const query of queries) {
        const hits = await store.search('c', query, { k: 10 });
        expectTrueHits(hits, points, distance, query);
        total += recall(hits, bruteForce(points, distance, query, 10));
      }
      expect(store.annStatus('c').served - before).toBe(expectServed ? queries.length : 0);
      expect(total / queries.length).toBeGreaterThanOrEqual(0.95);
    }
    await check(true);

    // Delete every query's current nearest five; searches right after the write scan exactly.
    const gone = new Set(queries.flatMap((q) => bruteForce(points, distance, q, 5).map((h) => h.id)));
    await store.delete('c', [...gone]);
    for (const id of gone) points.delete(id);
    expect(store.annStatus('c').state).toBe('building');
    await check(false);
    await store.annIdle('c');
    expect(store.annStatus('c')).toMatchObject({ state: 'ready', indexed: points.size, pending: 0 });
    await check(true);

    // Move existing points onto the queries: each must now be its query's best hit at distance ~0.
    const moved = queries.map((vector, i) => ({ id: `p${2_000 + i}`, vector, payload: { label: 'moved' } }));
    await store.upsert('c', moved);
    for (const p of moved) points.set(p.id, p);
    await store.annIdle('c');
    for (const [i, query] of queries.entries()) {
      const hits = await store.search('c', query, { k: 3 });
      expect(hits[0]).toMatchObject({ id: moved[i].id, payload: { label: 'moved' } });
      expect(hits[0].score).toBeCloseTo(0, 5);
    }
    await check(true);

    // Rewriting every point supersedes more log records than stay live: the log compacts and the
    // index starts over, after which it answers again.
    const rewritten = [...points.values()].map((p) => ({ ...p, payload: { label: 'rewritten' } }));
    await store.upsert('c', rewritten);
    for (const p of rewritten) points.set(p.id, p);
    expect(store.annStatus('c')).toMatchObject({ state: 'building', served: 0 });
    await store.annIdle('c');
    expect(store.annStatus('c')).toMatchObject({ state: 'ready', indexed: points.size });
    await check(true);
    await store.close();
  }, 30_000);

  it('rebuilds the index from the log on reopen when no index file was saved, and serves exact results until it is ready', async () => {
    const dir = await tempDir();
    const points = new Map(randomPoints(5_000, 8, 5).map((p) => [p.id, p]));
    let store: EmbeddedVectorStore = await openEmbeddedVectorStore({ dir, annThreshold: 2_000 });
    await store.createCollection('c', { dimension: 8, distance: 'dot' });
    await store.setAlias('live', 'c');
    await store.upsert('c', [...points.values()]);
    await store.delete('c', ['p0', 'p1']);
    points.delete('p0');
    points.delete('p1');
    // Closing mid-build leaves no index file behind.
    await store.close();
    expect((await readdir(join(dir, 'collections', 'c'))).filter((f) => f.startsWith('ann'))).toEqual([]);

    store = await openEmbeddedVectorStore({ dir, annThreshold: 2_000, annBuildSliceMs: 1 });
    const query = randomPoints(1, 8, 6)[0].vector;
    const expected = bruteForce(points, 'dot', query, 10);
    expect(store.annStatus('live')).toMatchObject({ state: 'building', origin: 'built' });
    const early = await store.search('live', query, { k: 10 });
    expect(early.map((h) => h.id)).toEqual(expected.map((h) => h.id));
    expect(store.annStatus('live').served).toBe(0);
    await store.annIdle('live');
    expect(store.annStatus('live')).toMatchObject({ state: 'ready', indexed: 4_998, pending: 0, served: 0 });
    const hits = await store.search('live', query, { k: 10 });
    expectTrueHits(hits, points, 'dot', query);
    expect(recall(hits, expected)).toBeGreaterThanOrEqual(0.9);
    expect(store.annStatus('live').served).toBe(1);
    await store.close();
  });

  it('keeps to the exact scan when the post-build audit measures recall below annMinRecall', async () => {
    // Uniform noise in 64 dimensions has no neighbourhood structure for a graph to follow, and
    // ef = k = 10 leaves the search no slack.
    const points = new Map(randomPoints(5_000, 64, 8).map((p) => [p.id, p]));
    const store = await openEmbeddedVectorStore({ dir: await tempDir(), annThreshold: 1_000, annExpansionSearch: 10, annBuildThreads: 1, annMinRecall: 0.99 });
    await store.createCollection('noise', { dimension: 64, distance: 'cosine' });
    await store.upsert('noise', [...points.values()]);
    await store.annIdle('noise');
    const status = store.annStatus('noise');
    expect(status.state).toBe('rejected');
    expect(status.recall).toBeLessThan(0.99);
    const query = randomPoints(1, 64, 9)[0].vector as Float32Array;
    const unit = Math.hypot(...query);
    const hits = await store.search('noise', query, { k: 10 });
    const unitPoints = new Map([...points].map(([id, p]) => [id, { ...p, vector: (p.vector as Float32Array).map((x) => x / Math.hypot(...p.vector)) }]));
    expect(hits.map((h) => h.id)).toEqual(bruteForce(unitPoints, 'cosine', query.map((x) => x / unit), 10).map((h) => h.id));
    expect(store.annStatus('noise').served).toBe(0);
    await store.close();
  });

  it('keeps small collections on the exact scan and rejects bad index options by name', async () => {
    const dir = await tempDir();
    const store = await openEmbeddedVectorStore({ dir });
    await store.createCollection('small', { dimension: 4, distance: 'cosine' });
    await store.upsert('small', randomPoints(100, 4, 7));
    expect(store.annStatus('small').state).toBe('off');
    await store.search('small', [1, 0, 0, 0], { k: 5 });
    expect(store.annStatus('small').served).toBe(0);
    await store.close();
    await expect(openEmbeddedVectorStore({ dir, annThreshold: -1 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'annThreshold' });
    await expect(openEmbeddedVectorStore({ dir, annExpansionSearch: 0 })).rejects.toMatchObject({ field: 'annExpansionSearch' });
    await expect(openEmbeddedVectorStore({ dir, annBuildThreads: 1.5 })).rejects.toMatchObject({ field: 'annBuildThreads' });
    await expect(openEmbeddedVectorStore({ dir, annBuildSliceMs: 0 })).rejects.toMatchObject({ field: 'annBuildSliceMs' });
    await expect(openEmbeddedVectorStore({ dir, annMinRecall: 1.5 })).rejects.toMatchObject({ field: 'annMinRecall' });
  });
});
