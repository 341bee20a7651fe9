import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError, decodeImageInput } from './decode-image';

function randomBytes(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % 256;
  });
}

const png = (data: number[], width: number, height: number, channels: 1 | 3 | 4) =>
  sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer().then((b) => b.toString('base64'));

/** Rec. 709 luminance computed in linear light, as an independent grayscale reference. */
function luminance(r: number, g: number, b: number): number {
  const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return 255 * (y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055);
}

describe('decodeImageInput', () => {
  it('passes raw pixels of the target shape through unchanged', async () => {
    const data = randomBytes(6 * 5 * 3, 1);
    const out = await decodeImageInput({ pixels: { width: 6, height: 5, channels: 3, data } }, { width: 6, height: 5, channels: 3 });
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out)).toEqual(data);
    const bytes = await decodeImageInput({ pixels: { width: 6, height: 5, channels: 3, data } }, { width: 6, height: 5, channels: 3 }, { output: 'uint8' });
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Array.from(bytes)).toEqual(data);
  });

  it('decodes grayscale and RGB PNGs losslessly at their own size', async () => {
    const gray = randomBytes(7 * 9, 2);
    expect(Array.from(await decodeImageInput({ image: await png(gray, 7, 9, 1) }, { width: 7, height: 9, channels: 1 }))).toEqual(gray);
    const rgb = randomBytes(7 * 9 * 3, 3);
    expect(Array.from(await decodeImageInput({ image: await png(rgb, 7, 9, 3) }, { width: 7, height: 9, channels: 3 }))).toEqual(rgb);
  });

  it('converts RGB to grayscale by luminance and grayscale to RGB by replication', async () => {
    const rgb = randomBytes(5 * 4 * 3, 4);
    const gray = await decodeImageInput({ image: await png(rgb, 5, 4, 3) }, { width: 5, height: 4, channels: 1 });
    for (let i = 0; i < 20; i++) expect(Math.abs(gray[i] - luminance(rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]))).toBeLessThanOrEqual(1.5);

    const g = randomBytes(4 * 3, 5);
    const out = await decodeImageInput({ pixels: { width: 4, height: 3, channels: 1, data: g } }, { width: 4, height: 3, channels: 3 });
    expect(Array.from(out)).toEqual(g.flatMap((v) => [v, v, v]));
  });

  it('resizes to the target grid: a 2× reduction of a smooth image matches block means', async () => {
    const w = 16;
    const h = 12;
    const data = Array.from({ length: w * h }, (_, i) => Math.round(((i % w) * 8 + Math.floor(i / w) * 10) % 256));
    const out = await decodeImageInput({ pixels: { width: w, height: h, channels: 1, data } }, { width: w / 2, height: h / 2, channels: 1 });
    expect(out.length).toBe((w / 2) * (h / 2));
    for (let y = 1; y < h / 2 - 1; y++) {
      for (let x = 1; x < w / 2 - 1; x++) {
        const block = [0, 1].flatMap((dy) => [0, 1].map((dx) => data[(2 * y + dy) * w + 2 * x + dx]));
        const mean = block.reduce((a, b) => a + b, 0) / 4;
        expect(Math.abs(out[y * (w / 2) + x] - mean)).toBeLessThanOrEqual(2);
      }
    }
  });

  it('decodes JPEG, and flattens transparency onto white', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 60, g: 60, b: 60 } } }).jpeg({ quality: 95 }).toBuffer();
    const out = await decodeImageInput({ image: jpeg.toString('base64') }, { width: 4, height: 4, channels: 1 });
    for (const v of out) expect(Math.abs(v - 60)).toBeLessThanOrEqual(1);
    const clear = await png(Array.from({ length: 2 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 0 : 10)), 2, 2, 4);
    expect(Array.from(await decodeImageInput({ image: clear }, { width: 2, height: 2, channels: 3 }))).toEqual(new Array(12).fill(255));
  });

  it('names the field of an image it cannot decode', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]).toString('base64');
    const target = { width: 2, height: 2, channels: 1 } as const;
    await expect(decodeImageInput({ image: corrupt }, target, { field: 'items.3.image' })).rejects.toMatchObject({
      name: 'ImageDecodeError',
      field: 'items.3.image',
    });
    await expect(decodeImageInput({ image: '' }, target)).rejects.toBeInstanceOf(ImageDecodeError);
    await expect(decodeImageInput({}, target)).rejects.toMatchObject({ field: 'image' });
    await expect(decodeImageInput({ pixels: { width: 2, height: 2, channels: 1, data: [1, 2, 3] } }, target)).rejects.toMatchObject({ field: 'pixels.data' });
  });
});
