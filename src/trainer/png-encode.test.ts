import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png-encode';

describe('encodePng', () => {
  it('writes greyscale and RGB pixels that a PNG decoder reads back exactly', () => {
    const grey = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 37) % 256);
    const decodedGrey = decode(encodePng({ width: 5, height: 3, channels: 1, data: grey }));
    expect([decodedGrey.width, decodedGrey.height, decodedGrey.channels, decodedGrey.depth]).toEqual([5, 3, 1, 8]);
    expect(Array.from(decodedGrey.data)).toEqual(Array.from(grey));

    const rgb = Uint8Array.from({ length: 4 * 7 * 3 }, (_, i) => (i * 101) % 256);
    const decodedRgb = decode(encodePng({ width: 4, height: 7, channels: 3, data: rgb }));
    expect([decodedRgb.width, decodedRgb.height, decodedRgb.channels]).toEqual([4, 7, 3]);
    expect(Array.from(decodedRgb.data)).toEqual(Array.from(rgb));
  });

  it('refuses pixel data of the wrong length, naming it', () => {
    expect(() => encodePng({ width: 4, height: 4, channels: 3, data: new Uint8Array(16) })).toThrow(/data: expected 48 bytes/);
  });
});
