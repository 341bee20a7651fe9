import sharp, { type OutputInfo, type Sharp } from 'sharp';
import { ImageDecodeError, type DecodeImageOptions, type ImageInputSource, type ImageTarget } from '../core/image-decoder';
import { plainImageProblem } from '../events/image-problem';

export { ImageDecodeError, type DecodeImageOptions, type ImageInputSource, type ImageTarget } from '../core/image-decoder';

/** Decoded images larger than this are refused before any pixel is touched. */
const MAX_INPUT_PIXELS = 64 * 1024 * 1024;

/**
 * Turns an `image` (base64 PNG/JPEG) or `pixels` input into the model's pixel grid: row-major
 * HWC values 0–255, resized to `target` (stretched, aspect ratio not kept) and converted to
 * grayscale or RGB. EXIF orientation is applied and transparency is flattened onto white.
 * Raw pixels already of the target shape are passed through untouched.
 *
 * @example
 * const x = await decodeImageInput({ image: b64 }, { height: 28, width: 28, channels: 1 });
 * x.length; // 784
 */
export async function decodeImageInput(input: ImageInputSource, target: ImageTarget, options?: DecodeImageOptions<'float32'>): Promise<Float32Array>;
export async function decodeImageInput(input: ImageInputSource, target: ImageTarget, options: DecodeImageOptions<'uint8'>): Promise<Uint8Array>;
export async function decodeImageInput(
  input: ImageInputSource,
  target: ImageTarget,
  options: DecodeImageOptions = {},
): Promise<Float32Array | Uint8Array> {
  const wantFloat = (options.output ?? 'float32') === 'float32';
  if (input.image !== undefined && input.pixels !== undefined) {
    throw new ImageDecodeError(options.field ?? 'image', 'give either image or pixels, not both');
  }
  if (input.pixels !== undefined) {
    const field = options.field ?? 'pixels';
    const { width, height, channels, data } = input.pixels;
    if (data.length !== width * height * channels) {
      throw new ImageDecodeError(`${field}.data`, `expected ${width * height * channels} values, got ${data.length}`);
    }
    if (width === target.width && height === target.height && channels === target.channels) {
      return wantFloat ? Float32Array.from(data) : Uint8Array.from(data);
    }
    return convert(sharp(Uint8Array.from(data), { raw: { width, height, channels } }), target, wantFloat, field);
  }
  if (input.image !== undefined) {
    const field = options.field ?? 'image';
    const bytes = Buffer.from(input.image, 'base64');
    if (bytes.length === 0) throw new ImageDecodeError(field, 'is empty');
    return convert(sharp(bytes, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate(), target, wantFloat, field, bytes);
  }
  throw new ImageDecodeError(options.field ?? 'image', 'give image or pixels');
}

async function convert(pipeline: Sharp, target: ImageTarget, wantFloat: boolean, field: string, encoded?: Uint8Array): Promise<Float32Array | Uint8Array> {
  let out: { data: Buffer; info: OutputInfo };
  try {
    const flat = pipeline.flatten({ background: { r: 255, g: 255, b: 255 } });
    const coloured = target.channels === 1 ? flat.toColourspace('b-w') : flat.toColourspace('srgb');
    out = await coloured
      .resize(target.width, target.height, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const tooLarge = /pixel limit/i.test((error as Error).message);
    const message = tooLarge ? `has more than ${MAX_INPUT_PIXELS} pixels` : encoded ? plainImageProblem(encoded.subarray(0, 16)) : 'could not be resized to the model input';
    throw new ImageDecodeError(field, message, { cause: error });
  }
  const { width, height, channels } = out.info;
  if (width !== target.width || height !== target.height || channels !== target.channels) {
    throw new ImageDecodeError(field, `decoded to ${width}×${height}×${channels}, expected ${target.width}×${target.height}×${target.channels}`);
  }
  const bytes = new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
  return wantFloat ? Float32Array.from(bytes) : Uint8Array.from(bytes);
}

