import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createSharpImageDecoder } from '../image-decoding/sharp-image-decoder';
import { createRandom } from '../dml/random';
import { CatalogState, ImageDecodeError, UnusableInputError } from './catalog-state';

describe('CatalogState', () => {
  it('decodes raw pixels and PNG images to the model input grid', async () => {
    const catalog = new CatalogState({ height: 2, width: 2, channels: 1 }, createSharpImageDecoder());
    const same = await catalog.decode({ pixels: { width: 2, height: 2, channels: 1, data: [0, 50, 100, 255] } });
    expect(Array.from(same!)).toEqual([0, 50, 100, 255]);
    // A uniform 4×4 RGB image of grey 128 resizes to a uniform 2×2 grey grid of 128.
    const png = await sharp(Buffer.alloc(4 * 4 * 3, 128), { raw: { width: 4, height: 4, channels: 3 } }).png().toBuffer();
    const decoded = await catalog.decode({ image: png.toString('base64') });
    expect(Array.from(decoded!)).toEqual([128, 128, 128, 128]);
    expect(await catalog.decode({})).toBeUndefined();
    await expect(catalog.decode({ vector: [1, 2] })).rejects.toThrow(UnusableInputError);
    await expect(catalog.decode({ image: Buffer.concat([png.subarray(0, 8), Buffer.alloc(8)]).toString('base64') })).rejects.toThrow(ImageDecodeError);
  });

  it('checks feature vectors against the model input', async () => {
    const catalog = new CatalogState({ features: 3 });
    expect(Array.from((await catalog.decode({ vector: [1, 2, 3] }))!)).toEqual([1, 2, 3]);
    await expect(catalog.decode({ vector: [1, 2] })).rejects.toThrow('vector: expected 3 values, got 2');
    await expect(catalog.decode({ pixels: { width: 1, height: 1, channels: 1, data: [1] } })).rejects.toThrow(/^pixels: this model takes feature vectors/);
  });

  it('keeps a label from feedback when an upsert carries none, and tracks deletes', () => {
    const catalog = new CatalogState({ features: 2 });
    expect(catalog.setLabel('a', 'shoe', 1)).toMatchObject({ labelChanged: true });
    expect(catalog.get('a')?.input).toBeUndefined();
    const change = catalog.upsert({ id: 'a', attributes: { colour: 'red' } }, Float32Array.from([1, 2]), 2);
    expect(change).toMatchObject({ contentChanged: true, labelChanged: false });
    expect(catalog.payloadOf(catalog.get('a')!)).toEqual({ label: 'shoe', attributes: { colour: 'red' } });
    expect(catalog.setLabel('a', 'boot', 3)).toMatchObject({ labelChanged: true, previousLabel: 'shoe' });
    catalog.upsert({ id: 'a', label: 'sandal' }, undefined, 4);
    expect(catalog.get('a')).toMatchObject({ label: 'sandal', attributes: { colour: 'red' } });
    expect(Array.from(catalog.get('a')!.input!)).toEqual([1, 2]);
    expect(catalog.countEmbeddable()).toBe(1);
    catalog.delete('a', 5);
    expect(catalog.size).toBe(0);
  });

  it('counts the items with input through upserts, label-only writes, stale writes and deletes', () => {
    const catalog = new CatalogState({ features: 1 });
    const counted = () => [...catalog.embeddable()].length;
    const steps: (() => unknown)[] = [
      () => catalog.setLabel('a', 'shoe', 1),
      () => catalog.upsert({ id: 'a' }, Float32Array.from([1]), 2),
      () => catalog.upsert({ id: 'b' }, Float32Array.from([2]), 3),
      () => catalog.upsert({ id: 'b' }, Float32Array.from([3]), 4),
      () => catalog.delete('a', 6),
      // Older than the delete: ignored.
      () => catalog.upsert({ id: 'a' }, Float32Array.from([4]), 5),
      () => catalog.upsert({ id: 'a', label: 'boot' }, undefined, 7),
      () => catalog.upsert({ id: 'a' }, Float32Array.from([5]), 8),
      () => catalog.delete('b', 9),
      () => catalog.delete('b', 10),
    ];
    for (const step of steps) {
      step();
      expect(catalog.countEmbeddable()).toBe(counted());
    }
    expect(catalog.countEmbeddable()).toBe(1);
  });

  it('keeps the newest write of each field and of each delete, whatever order they are applied in', () => {
    const catalog = new CatalogState({ features: 2 });
    catalog.setLabel('a', 'fixed', 20);
    const late = catalog.upsert({ id: 'a', label: 'orig', attributes: { c: 1 } }, Float32Array.from([1, 2]), 10);
    expect(late).toMatchObject({ contentChanged: true, labelWritten: false, labelChanged: false });
    expect(catalog.get('a')).toMatchObject({ label: 'fixed', attributes: { c: 1 }, updatedAt: 20 });
    expect(catalog.delete('a', 30)?.label).toBe('fixed');
    catalog.upsert({ id: 'a', label: 'stale' }, Float32Array.from([3, 4]), 25);
    expect(catalog.get('a')).toBeUndefined();
    catalog.upsert({ id: 'a', label: 'new' }, Float32Array.from([5, 6]), 40);
    expect(catalog.delete('a', 35)).toBeUndefined();
    expect(catalog.get('a')).toMatchObject({ label: 'new', updatedAt: 40 });
    expect(Array.from(catalog.get('a')!.input!)).toEqual([5, 6]);
    expect(catalog.get('a')!.attributes).toBeUndefined();
    expect(catalog.deletedAfter('a', 20)).toBe(true);
    expect(catalog.deletedAfter('a', 36)).toBe(false);
    expect(catalog.size).toBe(1);
  });
  it('draws distinct items that have input, following upserts and deletes', () => {
    const catalog = new CatalogState({ features: 2 });
    for (let i = 0; i < 6; i++) catalog.upsert({ id: `item-${i}` }, Float32Array.from([i, 1]), i + 1);
    catalog.setLabel('label-only', 'shirt', 10);
    catalog.delete('item-2', 11);
    const rng = createRandom(3);
    expect(catalog.countEmbeddable()).toBe(5);
    expect(new Set(catalog.sampleEmbeddable(10, rng))).toEqual(new Set(['item-0', 'item-1', 'item-3', 'item-4', 'item-5']));
    const seen = new Set<string>();
    for (let k = 0; k < 50; k++) {
      const drawn = catalog.sampleEmbeddable(3, rng);
      expect(new Set(drawn).size).toBe(3);
      drawn.forEach((id) => seen.add(id));
    }
    expect([...seen].sort()).toEqual(['item-0', 'item-1', 'item-3', 'item-4', 'item-5']);
    const even = (item: { id: string }) => Number(item.id.slice(5)) % 2 === 0;
    expect(new Set(catalog.sampleEmbeddable(10, rng, even))).toEqual(new Set(['item-0', 'item-4']));
    for (let k = 0; k < 20; k++) expect(catalog.sampleEmbeddable(2, rng, even).every((id) => even({ id }))).toBe(true);
  });
});
