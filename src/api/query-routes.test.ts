import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VectorPoint } from '../core/vector-store';
import { startCatalogFixture, type FixtureItem } from '../../test/support/api/test-catalog-fixture';

const ITEMS: FixtureItem[] = Array.from({ length: 40 }, (_, i) => ({
  id: `item-${i}`,
  label: ['shoe', 'bag', 'coat'][i % 3],
  attributes: { size: i % 7, price: 10 + ((i * 37) % 90) + 0.5, color: ['red', 'blue', 'green', 'black'][i % 4] },
  input: [Math.sin(i), Math.cos(i * 1.3), ((i * 7) % 11) / 11 - 0.5, 1],
}));

type Body = { modelVersion: string; results: { id: string; score: number; label: string }[] };
type Issues = { error: { code: string; message: string; issues: { path: string; message: string }[] } };

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

describe('search features, batch search and recommendations over HTTP', () => {
  let f: Awaited<ReturnType<typeof startCatalogFixture>>;
  let stored: VectorPoint[];
  beforeAll(async () => {
    f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items: ITEMS });
    stored = await Promise.all(ITEMS.map(async (item) => (await f.store.get('catalog_v000001', item.id))!));
  });
  afterAll(() => f.close());

  /** Brute force over the live collection's stored (unit) vectors. */
  function reference(query: number[], keep: (item: FixtureItem) => boolean, exclude: string[] = []) {
    const q = unit(query);
    return ITEMS.map((item, i) => ({ item, score: dot(q, stored[i].vector) }))
      .filter(({ item }) => keep(item) && !exclude.includes(item.id))
      .sort((a, b) => b.score - a.score)
      .map(({ item, score }) => ({ id: item.id, score }));
  }
  const expectRanking = (body: Body, expected: { id: string; score: number }[]) => {
    expect(body.results.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    body.results.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i].score, 4));
  };

  it('filters by ranges and any-of, pages with offset and stops at scoreThreshold', async () => {
    const input = [0.2, -0.7, 0.4, 1];
    const [embedded] = await f.catalog.embed('v000001', Float32Array.from(input), [1, 4]);
    const query = Array.from(embedded);
    const filter = { label: { any: ['shoe', 'coat'] }, attributes: { price: { gte: 30, lt: 80 }, color: { any: ['red', 'green'] } } };
    const keep = (item: FixtureItem) => item.label !== 'bag' && (item.attributes!.price as number) >= 30 && (item.attributes!.price as number) < 80 && ['red', 'green'].includes(item.attributes!.color as string);
    const all = reference(query, keep);
    expect(all.length).toBeGreaterThan(6);
    const res = await post(`${f.url}/v1/search`, { vector: input, k: 3, offset: 2, filter });
    expect(res.status).toBe(200);
    expectRanking((await res.json()) as Body, all.slice(2, 5));

    const threshold = (all[3].score + all[4].score) / 2;
    expectRanking((await (await post(`${f.url}/v1/search`, { vector: input, k: 10, scoreThreshold: threshold, filter })).json()) as Body, all.slice(0, 4));

    // By item id: the item is left out before paging.
    const like = reference(Array.from(stored[5].vector), () => true, ['item-5']);
    expectRanking((await (await post(`${f.url}/v1/search`, { itemId: 'item-5', k: 4, offset: 4 })).json()) as Body, like.slice(4, 8));
  });

  it('answers 400 naming the filter field for bad ranges and any-of lists', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ attributes: { price: { gte: 50, lt: 10 } } }, 'filter.attributes.price', /empty range/],
      [{ attributes: { price: { gte: 'cheap' } } }, 'filter.attributes.price', /gte: must be a finite number/],
      [{ attributes: { color: { any: [] } } }, 'filter.attributes.color', /any: must be a non-empty array/],
      [{ attributes: { color: { any: ['red', 1] } } }, 'filter.attributes.color', /only strings or only integers/],
      [{ attributes: { price: { below: 3 } } }, 'filter.attributes.price', /below: unknown condition/],
    ];
    for (const [filter, path, message] of cases) {
      const res = await post(`${f.url}/v1/search`, { vector: [1, 0, 0, 0], filter });
      expect(res.status, JSON.stringify(filter)).toBe(400);
      const issue = ((await res.json()) as Issues).error.issues[0];
      expect(issue.path).toBe(path);
      expect(issue.message).toMatch(message);
    }
    const offset = await post(`${f.url}/v1/search`, { vector: [1, 0, 0, 0], offset: -1 });
    expect(((await offset.json()) as Issues).error.issues[0].path).toBe('offset');
    const unknown = await post(`${f.url}/v1/search`, { itemId: 'nope', k: 2 });
    expect(unknown.status).toBe(404);
    const body = (await unknown.json()) as Issues;
    expect(body.error.code).toBe('item_not_found');
    expect(body.error.message).toMatch(/^itemId: no item nope/);
    expect(body.error.issues[0].path).toBe('itemId');
  });

  it('answers a batch of searches with one model version, each like its single search', async () => {
    const searches = [
      { vector: [0.3, -0.2, 0.1, 1], k: 4 },
      { itemId: 'item-9', k: 3, offset: 1, filter: { attributes: { size: { lte: 3 } } } },
      { vector: [1, 1, 0, 1], k: 5, filter: { label: 'bag' }, offset: 2 },
    ];
    const res = await post(`${f.url}/v1/search/batch`, { searches });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { modelVersion: string; searches: { results: Body['results'] }[] };
    expect(body.modelVersion).toBe('v000001');
    expect(body.searches).toHaveLength(3);
    for (const [i, search] of searches.entries()) {
      const single = (await (await post(`${f.url}/v1/search`, search)).json()) as Body;
      expect(single.results.length).toBeGreaterThan(0);
      expect(body.searches[i].results).toEqual(single.results);
    }
    const bad = await post(`${f.url}/v1/search/batch`, { searches: [searches[0], { vector: [1, 0, 0, 0], filter: { attributes: { size: { gt: 5, lt: 2 } } } }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Issues).error.issues[0].path).toBe('searches.1.filter.attributes.size');
    const missing = await post(`${f.url}/v1/search/batch`, { searches: [{ itemId: 'nope', k: 2 }] });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as Issues).error.issues[0].path).toBe('searches.0.itemId');
    expect((await post(`${f.url}/v1/search/batch`, { searches: [] })).status).toBe(400);
  });

  it('recommends from positive and negative items by the average_vector rule, leaving the examples out', async () => {
    const vectorOf = (id: string) => Array.from(stored[ITEMS.findIndex((item) => item.id === id)].vector);
    const mean = (ids: string[]) => ids.map(vectorOf).reduce((sum, v) => sum.map((x, j) => x + v[j] / ids.length), [0, 0, 0, 0, 0, 0, 0, 0]);
    const positive = ['item-2', 'item-11'];
    const negative = ['item-30'];
    const target = mean(positive).map((x, j) => 2 * x - mean(negative)[j]);
    const keep = (item: FixtureItem) => (item.attributes!.size as number) >= 2;
    const expected = reference(target, keep, [...positive, ...negative]);
    const res = await post(`${f.url}/v1/recommend`, { positive, negative, k: 5, filter: { attributes: { size: { gte: 2 } } } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Body;
    expect(body.modelVersion).toBe('v000001');
    expectRanking(body, expected.slice(0, 5));

    const unknown = await post(`${f.url}/v1/recommend`, { positive: ['item-1'], negative: ['item-2', 'gone'] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Issues).error.issues[0].path).toBe('negative.1');
    const empty = await post(`${f.url}/v1/recommend`, { positive: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as Issues).error.issues[0].path).toBe('positive');
  });
});
