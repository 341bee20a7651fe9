import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { thumbnailOf } from './item-thumbnail';

describe('thumbnailOf', () => {
  it('encodes a small greyscale input as a PNG of the same pixels', () => {
    const input = Float32Array.from({ length: 28 * 28 }, (_, i) => i % 256);
    const png = decode(Buffer.from(thumbnailOf(input, { height: 28, width: 28, channels: 1 })!, 'base64'));
    expect([png.width, png.height, png.channels]).toEqual([28, 28, 1]);
    expect(Array.from(png.data)).toEqual(Array.from(input));
  });

  it('box-averages large RGB inputs down to at most 64 pixels a side', () => {
    const height = 200;
    const width = 130;
    const input = new Float32Array(height * width * 3);
    // Left half red, right half blue.
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) input.set(x < 64 ? [255, 0, 0] : [0, 0, 255], (y * width + x) * 3);
    const png = decode(Buffer.from(thumbnailOf(input, { height, width, channels: 3 })!, 'base64'));
    expect(Math.max(png.width, png.height)).toBeLessThanOrEqual(64);
    expect([png.width, png.height]).toEqual([33, 50]);
    expect(Array.from(png.data.slice(0, 3))).toEqual([255, 0, 0]);
    const lastPixel = (png.width * png.height - 1) * 3;
    expect(Array.from(png.data.slice(lastPixel, lastPixel + 3))).toEqual([0, 0, 255]);
  });

  it('has no thumbnail for feature vectors, and computes each input once', () => {
    expect(thumbnailOf(new Float32Array(8), { features: 8 })).toBeUndefined();
    const input = new Float32Array(4);
    const first = thumbnailOf(input, { height: 2, width: 2, channels: 1 });
    input[0] = 255;
    expect(thumbnailOf(input, { height: 2, width: 2, channels: 1 })).toBe(first);
  });
});
