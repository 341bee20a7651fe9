import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadDataset } from './load-dataset';

function grayPng(value: number) {
  return sharp(Buffer.alloc(16, value), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('b-w').png();
}

describe('loadDataset', () => {
  it('loads Fashion-MNIST with a class list written as a range', async () => {
    const ds = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: '5-9', perClassLimit: 3 });
    expect(Array.from(ds.labels).sort()).toEqual([5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9]);
    expect(ds.images.length).toBe(15 * 784);
  });

  it('uses train/ and test/ sub-folders of an image folder when both exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-dataset-'));
    for (const [split, value] of [['train', 10], ['test', 200]] as const) {
      for (const cls of ['x', 'y']) {
        mkdirSync(join(dir, split, cls), { recursive: true });
        await grayPng(value).toFile(join(dir, split, cls, '0.png'));
      }
    }
    const test = await loadDataset({ data: dir, split: 'test' });
    expect(test.classNames).toEqual(['x', 'y']);
    expect(test.images[0]).toBe(200);
    const train = await loadDataset({ data: dir, split: 'train', classes: [1] });
    expect(Array.from(train.labels)).toEqual([1]);
    expect(train.images[0]).toBe(10);
  });

  it('serves a folder without split sub-folders for every split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'load-dataset-flat-'));
    mkdirSync(join(dir, 'only'));
    await grayPng(77).toFile(join(dir, 'only', 'a.png'));
    const ds = await loadDataset({ data: dir, split: 'train' });
    expect(ds.classNames).toEqual(['only']);
    expect((await loadDataset({ data: dir, split: 'test' })).images[0]).toBe(77);
  });

  it('names the bad field', async () => {
    await expect(loadDataset({ data: '/nonexistent/folder', split: 'train' })).rejects.toThrow(/data: '\/nonexistent\/folder' is neither/);
    await expect(loadDataset({ data: 'fashion-mnist', split: 'val' as 'train' })).rejects.toThrow(/split must be/);
    await expect(loadDataset({ data: 'fashion-mnist', split: 'test', classes: '3-x' })).rejects.toThrow(/classes: no class named '3-x'/);
  });
});
