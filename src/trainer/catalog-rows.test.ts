import { describe, expect, it } from 'vitest';
import { catalogRows } from './catalog-rows';
import { CatalogState, type CatalogItem } from './catalog-state';

describe('catalog rows', () => {
  it('are the embeddable items with their payloads, each payload built only when its row is read', () => {
    const catalog = new CatalogState({ features: 3 });
    catalog.upsert({ id: 'a', label: 'x', attributes: { n: 1 } }, Float32Array.from([1, 2, 3]), 1);
    catalog.upsert({ id: 'metadata-only', label: 'y' }, undefined, 2);
    catalog.upsert({ id: 'b' }, Float32Array.from([4, 5, 6]), 3);
    let built = 0;
    const counting = { embeddable: () => catalog.embeddable(), payloadOf: (item: CatalogItem) => (built++, catalog.payloadOf(item)) };
    const rows = catalogRows(counting);
    expect(built).toBe(0);
    const first = rows.next().value!;
    expect(built).toBe(1);
    expect(first).toEqual({ id: 'a', input: Float32Array.from([1, 2, 3]), payload: { label: 'x', attributes: { n: 1 } } });
    expect([...rows].map((r) => r.id)).toEqual(['b']);
    expect([...catalogRows(catalog, [catalog.get('b') as CatalogItem & { input: Float32Array }])].map((r) => r.id)).toEqual(['b']);
  });
});
