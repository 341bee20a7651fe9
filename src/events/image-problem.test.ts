import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImageInput } from '../image-decoding/decode-image';
import { plainImageProblem } from './image-problem';

describe('plainImageProblem', () => {
  it('says what the bytes are: a damaged PNG or JPEG, another format, or no image', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).png().toBuffer();
    const jpeg = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).jpeg().toBuffer();
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).gif().toBuffer();
    expect(plainImageProblem(png.subarray(0, 20))).toBe('is a PNG file that is truncated or damaged, so it cannot be decoded');
    expect(plainImageProblem(jpeg.subarray(0, 20))).toBe('is a JPEG file that is truncated or damaged, so it cannot be decoded');
    expect(plainImageProblem(gif)).toBe('is a GIF image; only PNG and JPEG images are accepted');
    expect(plainImageProblem(Buffer.from('hello world'))).toMatch(/^is not a PNG or JPEG image/);
    expect(plainImageProblem(new Uint8Array())).toBe('is empty');
  });

  it('is what decoding reports, with no wording of the image library', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#808080' } }).png().toBuffer();
    const truncated = png.subarray(0, 40).toString('base64');
    await expect(decodeImageInput({ image: truncated }, { height: 4, width: 4, channels: 1 })).rejects.toThrow('image: is a PNG file that is truncated or damaged, so it cannot be decoded');
    await expect(decodeImageInput({ image: Buffer.from('not an image').toString('base64') }, { height: 4, width: 4, channels: 1 })).rejects.toThrow(/^image: is not a PNG or JPEG image/);
  });
});
