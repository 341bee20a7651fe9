import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random';
import { VectorStoreError, type AttributeCondition, type SearchFilter, type SearchOptions, type VectorDistance, type VectorPoint, type VectorStore } from '../core/vector-store';

/** How the contract reaches one adapter. */
export interface VectorStoreContractTarget {
  /** A store over the adapter's backing data. */
  open(): Promise<VectorStore>;
  /** Closes `store` and opens a new one over the same backing data (a process restart). */
  reopen(store: VectorStore): Promise<VectorStore>;
  /** When set, the suite registers as skipped, with this reason in its name. */
  skipReason?: string;
}

function randomVector(random: () => number, dimension: number): number[] {
  return Array.from({ length: dimension }, () => random() * 2 - 1);
}

const LABELS = ['shirt', 'shoe', 'bag', 'coat'];
const COLORS = ['red', 'blue', 'green'];

function randomPoints(random: () => number, count: number, dimension: number, prefix = 'p'): VectorPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    vector: randomVector(random, dimension),
    payload: {
      label: LABELS[Math.floor(random() * LABELS.length)],
      attributes: {
        color: COLORS[Math.floor(random() * COLORS.length)],
        size: Math.floor(random() * 3),
        sale: random() < 0.5,
        // Always fractional, so every store indexes it as a float.
        price: Math.floor(random() * 1000) + 0.5,
      },
    },
  }));
}

/** Float64 reference scores, written independently of any adapter. */
function referenceScore(distance: VectorDistance, a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  let sq = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
    sq += (a[i] - b[i]) ** 2;
  }
  if (distance === 'cosine') return dot / Math.sqrt(na * nb);
  if (distance === 'dot') return dot;
  return -Math.sqrt(sq);
}

/** Qdrant's reading of one condition: a value matches exactly, `any` lists values, a range needs a number. */
function satisfies(value: unknown, condition: AttributeCondition): boolean {
  if (typeof condition !== 'object') return value === condition;
  if ('any' in condition) return (condition.any as unknown[]).includes(value);
  if (typeof value !== 'number') return false;
  const { gt, gte, lt, lte } = condition;
  return !(gt !== undefined && value <= gt) && !(gte !== undefined && value < gte) && !(lt !== undefined && value >= lt) && !(lte !== undefined && value > lte);
}

function matches(point: VectorPoint, filter?: SearchFilter): boolean {
  if (filter?.label !== undefined && !satisfies(point.payload.label, filter.label)) return false;
  for (const [key, condition] of Object.entries(filter?.attributes ?? {})) {
    if (!satisfies(point.payload.attributes?.[key], condition)) return false;
  }
  return true;
}

type ReferenceOptions = Omit<SearchOptions, 'k'> & { exclude?: Set<string> };

function bruteForce(points: VectorPoint[], distance: VectorDistance, query: ArrayLike<number>, k: number, filterOrOptions?: SearchFilter | ReferenceOptions) {
  const options: ReferenceOptions = filterOrOptions && ('label' in filterOrOptions || 'attributes' in filterOrOptions) ? { filter: filterOrOptions as SearchFilter } : ((filterOrOptions ?? {}) as ReferenceOptions);
  const offset = options.offset ?? 0;
  return points
    .filter((p) => matches(p, options.filter) && !options.exclude?.has(p.id))
    .map((p) => ({ id: p.id, score: referenceScore(distance, query, p.vector) }))
    .filter((hit) => options.scoreThreshold === undefined || hit.score > options.scoreThreshold)
    .sort((a, b) => b.score - a.score)
    .slice(offset, offset + k);
}

/**
 * Qdrant's `average_vector` recommendation, from the original points: 2·mean(positive) −
 * mean(negative) (mean(positive) alone without negatives) of the vectors as stored, which for
 * cosine are scaled to unit length.
 */
function referenceRecommendation(points: VectorPoint[], distance: VectorDistance, positive: string[], negative: string[]): number[] {
  const stored = (id: string) => {
    const v = Array.from(points.find((p) => p.id === id)!.vector);
    const norm = distance === 'cosine' ? Math.hypot(...v) : 1;
    return v.map((x) => x / norm);
  };
  const mean = (ids: string[]) => {
    const vs = ids.map(stored);
    return vs[0].map((_, j) => vs.reduce((sum, v) => sum + v[j], 0) / vs.length);
  };
  const pos = mean(positive);
  if (negative.length === 0) return pos;
  const neg = mean(negative);
  return pos.map((x, j) => 2 * x - neg[j]);
}

function expectSameRanking(actual: { id: string; score: number }[], expected: { id: string; score: number }[]) {
  expect(actual.map((h) => h.id)).toEqual(expected.map((h) => h.id));
  actual.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i].score, 4));
}

async function expectStoreError(promise: Promise<unknown>, field: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a VectorStoreError naming ${field}`).toBeInstanceOf(VectorStoreError);
  expect((error as VectorStoreError).code).toBe('invalid_argument');
  expect((error as VectorStoreError).field).toBe(field);
  expect((error as VectorStoreError).message).toContain(field);
}

/**
 * Registers the behaviour every `VectorStore` adapter must show. Collection names carry a random
 * prefix so runs against a shared server do not collide; everything created is dropped after.
 *
 * @example
 * registerVectorStoreContract('embedded', { open: () => openEmbeddedVectorStore({ dir }), reopen: ... });
 */
export function registerVectorStoreContract(adapter: string, target: VectorStoreContractTarget): void {
  const prefix = `contract_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  let store: VectorStore | undefined;
  let counter = 0;

  async function current(): Promise<VectorStore> {
    store ??= await target.open();
    return store;
  }

  async function fresh(spec: { dimension: number; distance: VectorDistance }): Promise<{ s: VectorStore; name: string }> {
    const s = await current();
    const name = `${prefix}_${counter++}`;
    await s.createCollection(name, spec);
    return { s, name };
  }

  const suite = target.skipReason ? describe.skip : describe;
  const title = `VectorStore contract: ${adapter}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`;
  suite(title, () => {
    afterAll(async () => {
      if (store === undefined) return;
      for (const c of await store.listCollections()) if (c.name.startsWith(prefix)) await store.dropCollection(c.name);
      await store.close();
    });

    for (const distance of ['cosine', 'dot', 'euclid'] as const) {
      it(`search ranks like a brute-force ${distance} reference, and get returns what was stored`, async () => {
        const random = seededRandom(distance.length);
        const { s, name } = await fresh({ dimension: 16, distance });
        const points = randomPoints(random, 300, 16);
        await s.upsert(name, points);
        for (let q = 0; q < 5; q++) {
          const query = randomVector(random, 16);
          expectSameRanking(await s.search(name, query, { k: 10 }), bruteForce(points, distance, query, 10));
        }
        const stored = await s.get(name, 'p-7');
        expect(stored?.payload).toEqual(points[7].payload);
        const original = points[7].vector as number[];
        const norm = distance === 'cosine' ? Math.hypot(...original) : 1;
        expect(stored?.vector.length).toBe(16);
        stored?.vector.forEach((x, i) => expect(x).toBeCloseTo(original[i] / norm, 5));
        expect(await s.get(name, 'missing')).toBeUndefined();
      });
    }

    it('filters by label and attributes exactly like the reference', async () => {
      const random = seededRandom(7);
      const { s, name } = await fresh({ dimension: 8, distance: 'cosine' });
      const points = randomPoints(random, 400, 8);
      await s.upsert(name, points);
      const filters: SearchFilter[] = [
        { label: 'shoe' },
        { attributes: { color: 'red' } },
        { label: 'bag', attributes: { color: 'blue', sale: true } },
        { attributes: { size: 2 } },
        { label: 'no-such-label' },
      ];
      for (const filter of filters) {
        const query = randomVector(random, 8);
        const hits = await s.search(name, query, { k: 15, filter });
        expectSameRanking(hits, bruteForce(points, 'cosine', query, 15, filter));
        for (const hit of hits) expect(matches({ id: hit.id, vector: [], payload: hit.payload }, filter)).toBe(true);
      }
    });

    it('scroll pages through every point once, by alias too, filtered like search, thumbnails kept', async () => {
      const random = seededRandom(13);
      const { s, name } = await fresh({ dimension: 8, distance: 'cosine' });
      const points = randomPoints(random, 230, 8).map((p, i) => (i % 3 === 0 ? { ...p, payload: { ...p.payload, thumbnail: `png${i}` } } : p));
      await s.upsert(name, points);
      await s.delete(name, ['p-5', 'p-6']);
      const alias = `${name}_alias`;
      await s.setAlias(alias, name);
      for (const filter of [undefined, { label: 'shoe' }] as Array<SearchFilter | undefined>) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await s.scroll(alias, { limit: 40, cursor, filter });
          expect(page.points.length).toBeLessThanOrEqual(40);
          for (const point of page.points) {
            seen.push(point.id);
            const original = points.find((p) => p.id === point.id)!;
            expect(point.payload).toEqual(original.payload);
          }
          cursor = page.next;
          pages++;
        } while (cursor !== undefined && pages < 20);
        const expected = points.filter((p) => p.id !== 'p-5' && p.id !== 'p-6' && (filter === undefined || matches(p, filter))).map((p) => p.id);
        expect(seen.sort()).toEqual(expected.sort());
      }
      await expect(s.scroll(name, { limit: 0 })).rejects.toMatchObject({ code: 'invalid_argument', field: 'limit' });
    });

    it('filters by numeric ranges and match-any exactly like the reference', async () => {
      const random = seededRandom(41);
      const { s, name } = await fresh({ dimension: 8, distance: 'cosine' });
      const points = randomPoints(random, 400, 8);
      await s.upsert(name, points);
      const filters: SearchFilter[] = [
        { attributes: { price: { gte: 200, lt: 700 } } },
        { attributes: { price: { gt: 900.5 } } },
        { attributes: { size: { gt: 0 } } },
        { attributes: { size: { lte: 1 }, color: { any: ['red', 'green'] } } },
        { label: { any: ['shoe', 'bag'] }, attributes: { size: { any: [0, 2] }, price: { lte: 500 } } },
        { label: { any: ['no-such-label'] } },
        // A range holds for numbers only; a condition on a missing attribute never holds.
        { attributes: { color: { gte: 0 } } },
        { attributes: { weight: { any: ['x'] } } },
      ];
      for (const filter of filters) {
        const query = randomVector(random, 8);
        const hits = await s.search(name, query, { k: 25, filter });
        const expected = bruteForce(points, 'cosine', query, 25, filter);
        expectSameRanking(hits, expected);
        for (const hit of hits) expect(matches({ id: hit.id, vector: [], payload: hit.payload }, filter)).toBe(true);
      }
      // The filters select something: some match many points, the last three none.
      const counts = filters.map((filter) => points.filter((p) => matches(p, filter)).length);
      expect(counts.slice(0, 5).every((n) => n > 25)).toBe(true);
      expect(counts.slice(5)).toEqual([0, 0, 0]);
    });

    for (const distance of ['cosine', 'dot', 'euclid'] as const) {
      it(`pages with offset and cuts at score_threshold like the reference (${distance})`, async () => {
        const random = seededRandom(50 + distance.length);
        const { s, name } = await fresh({ dimension: 12, distance });
        const points = randomPoints(random, 200, 12);
        await s.upsert(name, points);
        const query = randomVector(random, 12);
        const top = bruteForce(points, distance, query, 30);
        const pages = [];
        for (let page = 0; page < 3; page++) pages.push(...(await s.search(name, query, { k: 10, offset: page * 10 })));
        expectSameRanking(pages, top);
        // A threshold between the 6th and 7th best scores keeps exactly six, whatever k and offset.
        const threshold = (top[5].score + top[6].score) / 2;
        expectSameRanking(await s.search(name, query, { k: 20, scoreThreshold: threshold }), top.slice(0, 6));
        expectSameRanking(await s.search(name, query, { k: 3, offset: 4, scoreThreshold: threshold }), top.slice(4, 6));
        expect(await s.search(name, query, { k: 5, offset: 6, scoreThreshold: threshold })).toEqual([]);
        const filter: SearchFilter = { attributes: { size: { any: [1, 2] } } };
        expectSameRanking(await s.search(name, query, { k: 5, offset: 3, filter }), bruteForce(points, distance, query, 5, { offset: 3, filter }));
      });
    }

    it('answers a batch of searches, each with its own options, in order', async () => {
      const random = seededRandom(61);
      const { s, name } = await fresh({ dimension: 8, distance: 'dot' });
      const points = randomPoints(random, 150, 8);
      await s.upsert(name, points);
      const queries = [
        { vector: randomVector(random, 8), k: 5 },
        { vector: randomVector(random, 8), k: 7, filter: { label: 'coat', attributes: { price: { lt: 600 } } } },
        { vector: randomVector(random, 8), k: 4, offset: 2 },
      ];
      const answers = await s.searchBatch(name, queries);
      expect(answers).toHaveLength(3);
      answers.forEach((hits, i) => expectSameRanking(hits, bruteForce(points, 'dot', queries[i].vector, queries[i].k, queries[i])));
      await expectStoreError(s.searchBatch(name, [queries[0], { vector: [1, 2], k: 3 }]), 'queries[1].vector');
      await expectStoreError(s.searchBatch(name, [queries[0], queries[1], { ...queries[2], k: 0 }]), 'queries[2].k');
      await expectStoreError(s.searchBatch(name, []), 'queries');
    });

    for (const distance of ['cosine', 'dot', 'euclid'] as const) {
      it(`recommends from positive and negative ids like Qdrant's average_vector reference (${distance})`, async () => {
        const random = seededRandom(70 + distance.length);
        const { s, name } = await fresh({ dimension: 10, distance });
        const points = randomPoints(random, 250, 10);
        await s.upsert(name, points);
        const cases: { positive: string[]; negative: string[]; options: ReferenceOptions }[] = [
          { positive: ['p-3'], negative: [], options: {} },
          { positive: ['p-10', 'p-20', 'p-30'], negative: ['p-40'], options: {} },
          { positive: ['p-1', 'p-2'], negative: ['p-5', 'p-6'], options: { filter: { attributes: { price: { gte: 300 } } }, offset: 2 } },
        ];
        for (const { positive, negative, options } of cases) {
          const target = referenceRecommendation(points, distance, positive, negative);
          const expected = bruteForce(points, distance, target, 12, { ...options, exclude: new Set([...positive, ...negative]) });
          const hits = await s.recommend(name, { positive, negative, k: 12, ...options });
          expectSameRanking(hits, expected);
          expect(hits.some((h) => positive.includes(h.id) || negative.includes(h.id))).toBe(false);
        }
        const [fifth] = bruteForce(points, distance, referenceRecommendation(points, distance, ['p-3'], []), 1, { offset: 4, exclude: new Set(['p-3']) });
        const cut = await s.recommend(name, { positive: ['p-3'], k: 10, scoreThreshold: fifth.score - 1e-6 });
        expect(cut).toHaveLength(5);
      });
    }

    it('names the unknown example of a recommendation, and rejects bad filters, pages and thresholds', async () => {
      const random = seededRandom(83);
      const { s, name } = await fresh({ dimension: 4, distance: 'cosine' });
      await s.upsert(name, randomPoints(random, 20, 4));
      const missing = await s.recommend(name, { positive: ['p-1'], negative: ['p-2', 'nope'], k: 3 }).catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(VectorStoreError);
      expect(missing).toMatchObject({ code: 'not_found', field: 'negative[1]' });
      await expect(s.recommend(name, { positive: ['absent'], k: 3 })).rejects.toMatchObject({ code: 'not_found', field: 'positive[0]' });
      await expectStoreError(s.recommend(name, { positive: [], k: 3 }), 'positive');
      await expectStoreError(s.recommend(name, { positive: ['p-1'], negative: [''], k: 3 }), 'negative[0]');
      const query = [1, 0, 0, 0];
      const bad: [SearchOptions, string][] = [
        [{ k: 3, offset: -1 }, 'offset'],
        [{ k: 3, scoreThreshold: Number.NaN }, 'scoreThreshold'],
        [{ k: 3, filter: { attributes: { price: { gte: 5, lt: 1 } } } }, 'filter.attributes.price'],
        [{ k: 3, filter: { attributes: { price: { gte: 'cheap' as unknown as number } } } }, 'filter.attributes.price.gte'],
        [{ k: 3, filter: { attributes: { price: { below: 3 } as never } } }, 'filter.attributes.price.below'],
        [{ k: 3, filter: { attributes: { price: {} } } }, 'filter.attributes.price'],
        [{ k: 3, filter: { attributes: { color: { any: [] } } } }, 'filter.attributes.color.any'],
        [{ k: 3, filter: { attributes: { color: { any: ['red', 1] } } } }, 'filter.attributes.color.any'],
        [{ k: 3, filter: { label: { any: [1] as unknown as string[] } } }, 'filter.label.any'],
      ];
      for (const [options, field] of bad) await expectStoreError(s.search(name, query, options), field);
    });

    it('deletes points and counts them via listCollections', async () => {
      const random = seededRandom(11);
      const { s, name } = await fresh({ dimension: 8, distance: 'cosine' });
      const points = randomPoints(random, 50, 8);
      await s.upsert(name, points);
      expect((await s.listCollections()).find((c) => c.name === name)).toEqual({ name, dimension: 8, distance: 'cosine', count: 50 });
      const gone = points.slice(0, 20).map((p) => p.id);
      await s.delete(name, [...gone, 'never-existed']);
      expect((await s.listCollections()).find((c) => c.name === name)?.count).toBe(30);
      for (const id of gone) expect(await s.get(name, id)).toBeUndefined();
      const hits = await s.search(name, points[0].vector, { k: 50 });
      expect(hits).toHaveLength(30);
      expect(hits.some((h) => gone.includes(h.id))).toBe(false);
      expectSameRanking(hits, bruteForce(points.slice(20), 'cosine', points[0].vector as number[], 50));
    });

    it('upsert replaces a point with the same id', async () => {
      const { s, name } = await fresh({ dimension: 3, distance: 'cosine' });
      await s.upsert(name, [
        { id: 'a', vector: [1, 0, 0], payload: { label: 'old', attributes: { color: 'red' } } },
        { id: 'b', vector: [0, 1, 0], payload: { label: 'other' } },
      ]);
      await s.upsert(name, [{ id: 'a', vector: [0, 0, 2], payload: { label: 'new' } }]);
      expect((await s.listCollections()).find((c) => c.name === name)?.count).toBe(2);
      const a = await s.get(name, 'a');
      expect(a?.payload).toEqual({ label: 'new' });
      expect(Array.from(a?.vector ?? [])).toEqual([0, 0, 1]);
      const hits = await s.search(name, [0, 0, 1], { k: 1 });
      expect(hits[0]).toMatchObject({ id: 'a', payload: { label: 'new' } });
      expect(hits[0].score).toBeCloseTo(1, 5);
      expect(await s.search(name, [0, 0, 1], { k: 5, filter: { label: 'old' } })).toEqual([]);
    });

    it('rejects bad input with an error naming the field, and writes nothing', async () => {
      const { s, name } = await fresh({ dimension: 4, distance: 'cosine' });
      const ok = { id: 'ok', vector: [1, 2, 3, 4], payload: {} };
      await expectStoreError(s.upsert(name, [ok, { id: 'short', vector: [1, 2, 3], payload: {} }]), 'points[1].vector');
      await expectStoreError(s.upsert(name, [{ id: 'nan', vector: [1, 2, Number.NaN, 4], payload: {} }]), 'points[0].vector[2]');
      await expectStoreError(s.upsert(name, [{ id: 'inf', vector: new Float32Array([1, Infinity, 0, 0]), payload: {} }]), 'points[0].vector[1]');
      await expectStoreError(s.upsert(name, [{ id: '', vector: [1, 2, 3, 4], payload: {} }]), 'points[0].id');
      await expectStoreError(s.upsert(name, [{ ...ok, payload: { attributes: { color: null as unknown as string } } }]), 'points[0].payload.attributes.color');
      await expectStoreError(s.upsert(name, [{ ...ok, payload: { attributes: { 'a.b': 'x' } } }]), 'points[0].payload.attributes.a.b');
      await expectStoreError(s.search(name, [1, 2], { k: 3 }), 'vector');
      await expectStoreError(s.search(name, [1, 2, Number.NaN, 4], { k: 3 }), 'vector[2]');
      await expectStoreError(s.search(name, [1, 2, 3, 4], { k: 0 }), 'k');
      await expectStoreError(s.delete(name, ['']), 'ids[0]');
      await expectStoreError(s.createCollection(`${name}_bad`, { dimension: 0, distance: 'cosine' }), 'spec.dimension');
      expect((await s.listCollections()).find((c) => c.name === name)?.count).toBe(0);
    });

    it('switches an alias atomically while queries run: every result comes wholly from one collection', async () => {
      const random = seededRandom(23);
      const size = 40;
      const s = await current();
      const { name: oldName } = await fresh({ dimension: 8, distance: 'cosine' });
      const { name: newName } = await fresh({ dimension: 8, distance: 'cosine' });
      await s.upsert(oldName, randomPoints(random, size, 8, 'old'));
      await s.upsert(newName, randomPoints(random, size, 8, 'new'));
      const alias = `${prefix}_live`;
      await s.setAlias(alias, oldName);
      expect(await s.resolveAlias(alias)).toBe(oldName);

      let swapping = true;
      const seen = { old: 0, new: 0 };
      const query = randomVector(random, 8);
      const readers = Array.from({ length: 4 }, async () => {
        while (swapping) {
          const hits = await s.search(alias, query, { k: size });
          expect(hits).toHaveLength(size);
          const generations = new Set(hits.map((h) => h.id.split('-')[0]));
          expect(generations.size).toBe(1);
          seen[[...generations][0] as 'old' | 'new']++;
          // An in-process store answers without I/O; yield so the swapper gets its turn.
          await new Promise((resolve) => setImmediate(resolve));
        }
      });
      for (let swap = 0; swap < 20; swap++) {
        await s.setAlias(alias, swap % 2 === 0 ? newName : oldName);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      swapping = false;
      await Promise.all(readers);
      expect(seen.old).toBeGreaterThan(0);
      expect(seen.new).toBeGreaterThan(0);
      expect(await s.resolveAlias(alias)).toBe(oldName);
      expect(await s.resolveAlias(`${prefix}_no_such_alias`)).toBeUndefined();
    });

    it('drops a collection together with the aliases pointing at it', async () => {
      const { s, name } = await fresh({ dimension: 2, distance: 'dot' });
      const alias = `${prefix}_doomed`;
      await s.setAlias(alias, name);
      await s.dropCollection(name);
      expect((await s.listCollections()).some((c) => c.name === name)).toBe(false);
      expect(await s.resolveAlias(alias)).toBeUndefined();
      await expect(s.search(name, [1, 0], { k: 1 })).rejects.toBeInstanceOf(VectorStoreError);
    });

    it('keeps collections, points, deletes and aliases across a restart', async () => {
      const random = seededRandom(31);
      const { name } = await fresh({ dimension: 12, distance: 'euclid' });
      const points = randomPoints(random, 120, 12);
      await store!.upsert(name, points);
      await store!.delete(name, ['p-3', 'p-4']);
      await store!.upsert(name, [{ ...points[5], payload: { label: 'replaced' } }]);
      const alias = `${prefix}_persisted`;
      await store!.setAlias(alias, name);
      const query = randomVector(random, 12);
      const before = await store!.search(alias, query, { k: 10 });

      store = await target.reopen(store!);

      expect((await store.listCollections()).find((c) => c.name === name)).toEqual({ name, dimension: 12, distance: 'euclid', count: 118 });
      expect(await store.resolveAlias(alias)).toBe(name);
      expect(await store.get(name, 'p-3')).toBeUndefined();
      expect((await store.get(name, 'p-5'))?.payload).toEqual({ label: 'replaced' });
      const after = await store.search(alias, query, { k: 10 });
      expectSameRanking(after, before);
      const live = points.filter((p) => p.id !== 'p-3' && p.id !== 'p-4');
      expectSameRanking(after, bruteForce(live, 'euclid', query, 10));
      expect((await store.health()).ok).toBe(true);
    });
  });
}
