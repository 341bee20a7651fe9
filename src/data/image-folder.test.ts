import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadImageFolder } from './image-folder';

function solid(width: number, height: number, rgb: [number, number, number]) {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
}

/** Relative luminance in linear light (Rec. 709 primaries), re-encoded with the sRGB curve. */
function luma(rgb: [number, number, number]): number {
  const linear = rgb.map((v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
  const y = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  return 255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);
}

function grayPng(width: number, height: number, value: number) {
  return sharp(Buffer.alloc(width * height, value), { raw: { width, height, channels: 1 } }).toColourspace('b-w').png();
}

describe('loadImageFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'image-folder-'));
  const red: [number, number, number] = [200, 30, 30];
  const blue: [number, number, number] = [20, 40, 220];

  beforeAll(async () => {
    mkdirSync(join(dir, 'boots'));
    mkdirSync(join(dir, 'bags'));
    mkdirSync(join(dir, '.hidden'));
    // Most common size: 12×8 (width × height); one 20×20 image gets resized.
    await solid(12, 8, red).png().toFile(join(dir, 'bags', 'b.png'));
    await solid(12, 8, red).jpeg({ quality: 95 }).toFile(join(dir, 'bags', 'a.jpg'));
    await solid(20, 20, red).png().toFile(join(dir, 'bags', 'c.PNG'));
    await solid(12, 8, blue).png().toFile(join(dir, 'boots', 'x.png'));
    await solid(12, 8, blue).jpeg({ quality: 95 }).toFile(join(dir, 'boots', 'y.jpeg'));
    writeFileSync(join(dir, 'boots', 'broken.png'), Buffer.from('this is not a png'));
    writeFileSync(join(dir, 'boots', 'notes.txt'), 'ignored');
  });

  it('reads classes and files in sorted order, resizing to the most common size', async () => {
    const ds = await loadImageFolder(dir, { channels: 3 });
    expect(ds.classNames).toEqual(['bags', 'boots']);
    expect(ds.ids).toEqual(['bags/a.jpg', 'bags/b.png', 'bags/c.PNG', 'boots/x.png', 'boots/y.jpeg']);
    expect(Array.from(ds.labels)).toEqual([0, 0, 0, 1, 1]);
    expect([ds.height, ds.width, ds.channels]).toEqual([8, 12, 3]);
    expect(ds.images.length).toBe(5 * 8 * 12 * 3);
    const pixel = (item: number, index: number) => Array.from(ds.images.subarray((item * 96 + index) * 3, (item * 96 + index) * 3 + 3));
    expect(pixel(1, 0)).toEqual(red); // PNG is lossless
    expect(pixel(2, 95)).toEqual(red); // resized solid colour stays solid
    expect(pixel(3, 50)).toEqual(blue);
    pixel(4, 10).forEach((v, c) => expect(Math.abs(v - blue[c])).toBeLessThan(8)); // JPEG is close
  });

  it('reports the undecodable file by path and skips it', async () => {
    const ds = await loadImageFolder(dir, { channels: 3 });
    expect(ds.skipped).toHaveLength(1);
    expect(ds.skipped[0].id).toBe('boots/broken.png');
    expect(ds.skipped[0].reason).toMatch(/^image is (a PNG file that is truncated or damaged|not a PNG or JPEG image)/);
  });

  it('fails on the undecodable file when asked to', async () => {
    await expect(loadImageFolder(dir, { onInvalid: 'fail' })).rejects.toThrow(/cannot decode .*boots\/broken\.png/);
  });

  it('converts to grayscale and to a requested size', async () => {
    const ds = await loadImageFolder(dir, { channels: 1, height: 5, width: 6 });
    expect([ds.height, ds.width, ds.channels]).toEqual([5, 6, 1]);
    expect(ds.images.length).toBe(5 * 30);
    expect(Math.abs(ds.images[30] - luma(red))).toBeLessThanOrEqual(2); // bags/b.png
    expect(Math.abs(ds.images[3 * 30 + 7] - luma(blue))).toBeLessThanOrEqual(2); // boots/x.png
  });

  it('defaults to 3 channels for colour images and 1 for grayscale ones', async () => {
    expect((await loadImageFolder(dir)).channels).toBe(3);
    const gray = mkdtempSync(join(tmpdir(), 'image-folder-gray-'));
    mkdirSync(join(gray, 'a'));
    mkdirSync(join(gray, 'b'));
    await grayPng(4, 4, 90).toFile(join(gray, 'a', '1.png'));
    await grayPng(4, 4, 10).toFile(join(gray, 'b', '1.png'));
    const ds = await loadImageFolder(gray);
    expect(ds.channels).toBe(1);
    expect(Array.from(ds.images.subarray(0, 16))).toEqual(new Array(16).fill(90));
  });

  it('loads greyscale images saved as RGB or palette PNGs with 1 channel, and a colour one keeps 3', async () => {
    const grey = mkdtempSync(join(tmpdir(), 'image-folder-grey-rgb-'));
    mkdirSync(join(grey, 'a'));
    mkdirSync(join(grey, 'b'));
    // R = G = B everywhere, stored as RGB and as a palette PNG, the way many tools save greys.
    const pattern = Buffer.from(Array.from({ length: 16 }, (_, i) => [i * 10, i * 10, i * 10]).flat());
    await sharp(pattern, { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(join(grey, 'a', '1.png'));
    await sharp(pattern, { raw: { width: 4, height: 4, channels: 3 } }).png({ palette: true }).toFile(join(grey, 'b', '1.png'));
    expect((await sharp(join(grey, 'a', '1.png')).metadata()).channels).toBe(3);
    const ds = await loadImageFolder(grey);
    expect(ds.channels).toBe(1);
    expect(Array.from(ds.images.subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, i) => i * 10));
    await solid(4, 4, [200, 10, 10]).toFile(join(grey, 'b', '2.png'));
    expect((await loadImageFolder(grey)).channels).toBe(3);
  });

  it('selects classes before decoding and applies per-class limits', async () => {
    const boots = await loadImageFolder(dir, { classes: [1], channels: 3 });
    expect(boots.ids).toEqual(['boots/x.png', 'boots/y.jpeg']);
    expect(Array.from(boots.labels)).toEqual([1, 1]);
    expect(boots.classNames).toEqual(['bags', 'boots']);
    const limited = await loadImageFolder(dir, { perClassLimit: 1 });
    expect(limited.ids).toEqual(['bags/a.jpg', 'boots/x.png']);
    await expect(loadImageFolder(dir, { classes: [2] })).rejects.toThrow(/classes: 2 is not a class id/);
    await expect(loadImageFolder(dir, { channels: 4 as 3 })).rejects.toThrow(/channels must be 1 or 3/);
  });

  it('says what a folder without class sub-folders lacks', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'image-folder-empty-'));
    await expect(loadImageFolder(empty)).rejects.toThrow(/no class sub-folders/);
  });
});
