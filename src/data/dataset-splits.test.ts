import { describe, expect, it } from 'vitest';
import type { ImageDataset } from './image-dataset';
import { splitByClasses } from './split-by-classes';
import { trainTestSplit } from './train-test-split';

/** Item i is a 1×1 image with pixel value i, so every item can be traced. */
function tinyDataset(labels: number[]): ImageDataset {
  return {
    images: Uint8Array.from(labels, (_, i) => i),
    labels: Int32Array.from(labels),
    height: 1,
    width: 1,
    channels: 1,
    classNames: ['a', 'b', 'c', 'd'],
    ids: labels.map((_, i) => `item-${i}`),
  };
}

describe('splitByClasses', () => {
  it('separates the chosen classes from the rest, keeping order, ids and pixels together', () => {
    const ds = tinyDataset([0, 2, 1, 3, 2, 0]);
    const { selected, rest } = splitByClasses(ds, [0, 2]);
    expect(Array.from(selected.labels)).toEqual([0, 2, 2, 0]);
    expect(Array.from(selected.images)).toEqual([0, 1, 4, 5]);
    expect(selected.ids).toEqual(['item-0', 'item-1', 'item-4', 'item-5']);
    expect(Array.from(rest.labels)).toEqual([1, 3]);
    expect(Array.from(rest.images)).toEqual([2, 3]);
    expect(() => splitByClasses(ds, [4])).toThrow(/classes: 4 is not a class id/);
  });
});

describe('trainTestSplit', () => {
  const labels = Array.from({ length: 100 }, (_, i) => (i < 40 ? 0 : i < 90 ? 1 : i < 99 ? 2 : 3));
  const ds = tinyDataset(labels);

  it('takes the test share from every class and partitions the items', () => {
    const { train, test } = trainTestSplit(ds, { testFraction: 0.2, seed: 1 });
    const count = (d: ImageDataset, c: number) => Array.from(d.labels).filter((l) => l === c).length;
    expect([0, 1, 2, 3].map((c) => count(test, c))).toEqual([8, 10, 2, 0]); // round(0.2 × 40, 50, 9), a lone item stays in train
    expect([0, 1, 2, 3].map((c) => count(train, c))).toEqual([32, 40, 7, 1]);
    const all = [...train.images, ...test.images].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Pixels still match labels after the shuffle.
    test.images.forEach((item, k) => expect(test.labels[k]).toBe(labels[item]));
    expect(Array.from(test.images)).toEqual([...test.images].sort((a, b) => a - b));
  });

  it('is reproducible for a seed and changes with it', () => {
    const a = trainTestSplit(ds, { seed: 5 }).test.images;
    const b = trainTestSplit(ds, { seed: 5 }).test.images;
    const c = trainTestSplit(ds, { seed: 6 }).test.images;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => trainTestSplit(ds, { testFraction: 1 })).toThrow(/testFraction must be in \(0, 1\)/);
  });
});
