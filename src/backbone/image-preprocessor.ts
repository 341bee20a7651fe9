import sharp from 'sharp';
import type { PreprocessSpec } from './preprocess-spec';

/** Decoded pixels, row-major HWC, 8 bits per channel. */
export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** An encoded image file (PNG, JPEG, WebP…) or already decoded pixels. */
export type BackboneImage = Uint8Array | RawImage;

/**
 * Turns one image into the backbone's input values for a single batch row (length
 * `channels * height * width`), following `spec`.
 *
 * @example
 * const row = await preprocessImage(await fs.readFile('shoe.jpg'), spec);
 */
export async function preprocessImage(image: BackboneImage, spec: PreprocessSpec): Promise<Float32Array> {
  const pixels = await decodeToSize(image, spec);
  const { height, width, channels } = spec;
  const out = new Float32Array(channels * height * width);
  const mean = (c: number): number => spec.mean[spec.mean.length === 1 ? 0 : c];
  const std = (c: number): number => spec.std[spec.std.length === 1 ? 0 : c];
  const planeSize = height * width;
  for (let p = 0; p < planeSize; p++) {
    for (let c = 0; c < channels; c++) {
      const value = (pixels[p * channels + c] * spec.scale - mean(c)) / std(c);
      out[spec.layout === 'NCHW' ? c * planeSize + p : p * channels + c] = value;
    }
  }
  return out;
}

async function decodeToSize(image: BackboneImage, spec: PreprocessSpec): Promise<Uint8Array> {
  const isRaw = !(image instanceof Uint8Array);
  if (isRaw && image.data.length !== image.width * image.height * image.channels) {
    throw new Error(`image.data has ${image.data.length} bytes; expected width*height*channels = ${image.width * image.height * image.channels}`);
  }
  let pipeline = isRaw
    ? sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    : sharp(image);
  pipeline = pipeline.resize(spec.width, spec.height, { fit: 'fill' });
  pipeline = spec.channels === 1 ? pipeline.greyscale() : pipeline.removeAlpha().toColourspace('srgb');
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== spec.width || info.height !== spec.height || info.channels !== spec.channels) {
    throw new Error(`decoded image is ${info.width}×${info.height}×${info.channels}, expected ${spec.width}×${spec.height}×${spec.channels}`);
  }
  return data;
}
