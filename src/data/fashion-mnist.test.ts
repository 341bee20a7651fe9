import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FASHION_MNIST_DIR, loadFashionMnist } from './fashion-mnist';

function idxBytes(dims: number[], values: ArrayLike<number>): Uint8Array {
  const header = [0, 0, 8, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...Array.from(values)]);
}

describe('loadFashionMnist on the installed dataset', () => {
  const dir = process.env.FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST_DIR;

  it('loads the test split: 10,000 images of 28×28, 1,000 per class', async () => {
    const test = await loadFashionMnist({ split: 'test' });
    expect(test.labels.length).toBe(10000);
    expect([test.height, test.width, test.channels]).toEqual([28, 28, 1]);
    expect(test.images.length).toBe(10000 * 784);
    const counts = new Array(10).fill(0);
    test.labels.forEach((l) => counts[l]++);
    expect(counts).toEqual(new Array(10).fill(1000));
    expect(test.classNames[9]).toBe('Ankle boot');
    // Independent read of the raw bytes: 16-byte header, then the pixels; labels after 8 bytes.
    const rawImages = gunzipSync(readFileSync(join(dir, 't10k-images-idx3-ubyte.gz')));
    const rawLabels = gunzipSync(readFileSync(join(dir, 't10k-labels-idx1-ubyte.gz')));
    expect(Buffer.from(test.images.subarray(9999 * 784)).equals(rawImages.subarray(16 + 9999 * 784))).toBe(true);
    expect(Array.from(test.labels.subarray(0, 50))).toEqual(Array.from(rawLabels.subarray(8, 58)));
  });

  it('filters classes keeping the original ids, and applies limits', async () => {
    const subset = await loadFashionMnist({ split: 'test', classes: [5, 6, 7, 8, 9] });
    expect(subset.labels.length).toBe(5000);
    expect(new Set(subset.labels)).toEqual(new Set([5, 6, 7, 8, 9]));
    const few = await loadFashionMnist({ split: 'test', classes: [0, 3], perClassLimit: 4 });
    expect(Array.from(few.labels).sort()).toEqual([0, 0, 0, 0, 3, 3, 3, 3]);
    const limited = await loadFashionMnist({ split: 'test', limit: 7 });
    const full = await loadFashionMnist({ split: 'test' });
    expect(Array.from(limited.labels)).toEqual(Array.from(full.labels.subarray(0, 7)));
    await expect(loadFashionMnist({ split: 'test', classes: [10] })).rejects.toThrow(/classes: 10 is not a class id/);
  });

  it('loads the 60,000-image training split once and then serves it from memory', async () => {
    const first = await loadFashionMnist({ split: 'train' });
    expect(first.labels.length).toBe(60000);
    const again = await loadFashionMnist({ split: 'train' });
    expect(again.images).toBe(first.images);
  });
});

describe('loadFashionMnist on files written here', () => {
  it('reads plain IDX files from the given folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 251);
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([3, 28, 28], pixels));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([3], [9, 0, 4])));
    const ds = await loadFashionMnist({ split: 'test', dir });
    expect(Array.from(ds.labels)).toEqual([9, 0, 4]);
    expect(Array.from(ds.images)).toEqual(Array.from(pixels));
  });

  it('validates dimensions, counts and label range', async () => {
    const cases: [number[], number[], number[], RegExp][] = [
      [[2, 27, 28], [2], [0, 1], /27×28/],
      [[2, 28, 28], [3], [0, 1, 2], /3 labels for 2 images/],
      [[2, 28, 28], [2], [0, 10], /label 10 of item 1/],
    ];
    for (const [imageDims, labelDims, labels, error] of cases) {
      const dir = mkdtempSync(join(tmpdir(), 'fmnist-'));
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes(imageDims, new Uint8Array(imageDims.reduce((a, b) => a * b))));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes(labelDims, labels));
      await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(error);
    }
  });

  it('says how to get the files when they are missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fmnist-empty-'));
    await expect(loadFashionMnist({ split: 'train', dir })).rejects.toThrow(/apt-get install dataset-fashion-mnist.*FASHION_MNIST_DIR/);
    const previous = process.env.FASHION_MNIST_DIR;
    process.env.FASHION_MNIST_DIR = dir;
    try {
      await expect(loadFashionMnist({ split: 'test' })).rejects.toThrow(new RegExp(`not found in ${dir}`));
    } finally {
      if (previous === undefined) delete process.env.FASHION_MNIST_DIR;
      else process.env.FASHION_MNIST_DIR = previous;
    }
  });
});
