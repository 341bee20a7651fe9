import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCatalogFixture } from '../support/api/test-catalog-fixture';

type Fixture = Awaited<ReturnType<typeof startCatalogFixture>>;

async function post(url: string, path: string, body: string) {
  const response = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, body: (await response.json()) as { error?: { issues?: Array<{ path: string; message: string }> } } };
}

describe('the API refuses, naming the field, every attribute name a vector store would refuse', () => {
  let fixture: Fixture;

  beforeAll(async () => {
    fixture = await startCatalogFixture({
      input: { kind: 'features', features: 3 },
      items: [{ id: 'a', label: 'x', attributes: { color: 'red' }, input: [1, 0, 0] }],
    });
  });

  afterAll(() => fixture?.close());

  it.each([
    ['color.primary', 'color.primary'],
    ['a[0]', 'a[0]'],
    ['size eu', 'size eu'],
    ['__proto__', '__proto__'],
    ['x'.repeat(65), 'x'.repeat(65)],
  ])('attribute %# (%s) → 400 on items and on search filters', async (name) => {
    const attributes = `{${JSON.stringify(name)}:"red"}`;
    const items = await post(fixture.url, '/v1/items', `{"items":[{"id":"pill-1","vector":[1,2,3],"attributes":${attributes}}]}`);
    expect(items.status).toBe(400);
    expect(items.body.error!.issues![0].path).toBe(`items.0.attributes.${name}`);
    const search = await post(fixture.url, '/v1/search', `{"vector":[1,0,0],"k":1,"filter":{"attributes":${attributes}}}`);
    expect(search.status).toBe(400);
    expect(search.body.error!.issues![0].path).toBe(`filter.attributes.${name}`);
  });

  it('accepts the names every store takes', async () => {
    const accepted = await post(fixture.url, '/v1/items', JSON.stringify({ items: [{ id: 'pill-2', vector: [1, 2, 3], attributes: { color_primary: 'red', 'size-eu': 42, _hidden: true } }] }));
    expect(accepted.status).toBe(202);
  });
});
