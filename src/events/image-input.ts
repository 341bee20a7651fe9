import { z } from 'zod';
import { EVENT_LIMITS } from './limits';
import { numberArraySchema } from './number-array';

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];

/** Which image format a base64 string starts with, judged from its first bytes only. */
export function sniffImageFormat(base64: string): 'png' | 'jpeg' | undefined {
  const head = Buffer.from(base64.slice(0, 12), 'base64');
  const startsWith = (signature: number[]) => signature.every((byte, i) => head[i] === byte);
  if (startsWith(PNG_SIGNATURE)) return 'png';
  if (startsWith(JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

/**
 * A PNG or JPEG image as standard base64 text. Only the header is checked here (cheap enough
 * for batches); a corrupt body surfaces when the image is decoded.
 *
 * @example
 * Base64ImageSchema.parse(pngBuffer.toString('base64'));
 */
export const Base64ImageSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.imageMaxBase64Chars, `must be at most ${EVENT_LIMITS.imageMaxBase64Chars} base64 characters`)
  .check((ctx) => {
    const text = ctx.value;
    if (text.length % 4 !== 0 || !BASE64_PATTERN.test(text)) {
      ctx.issues.push({ code: 'custom', input: text, message: 'must be standard base64 (A-Z a-z 0-9 + /, padded with =)' });
    } else if (!sniffImageFormat(text)) {
      ctx.issues.push({ code: 'custom', input: text, message: 'must be a base64 PNG or JPEG image' });
    }
  })
  .meta({ description: 'Base64-encoded PNG or JPEG image' });

/**
 * Raw pixels, row-major (`data[(y * width + x) * channels + c]`), integers 0–255.
 *
 * @example
 * PixelsSchema.parse({ width: 2, height: 1, channels: 1, data: [0, 255] });
 */
export const PixelsSchema = z
  .strictObject({
    width: z.int().min(1).max(EVENT_LIMITS.pixelsMaxSide),
    height: z.int().min(1).max(EVENT_LIMITS.pixelsMaxSide),
    channels: z.union([z.literal(1), z.literal(3)]).meta({ description: '1 (grayscale) or 3 (RGB)' }),
    data: numberArraySchema({ maxLength: EVENT_LIMITS.pixelsMaxValues, bytes: true, description: 'Pixel values, row-major' }),
  })
  .check((ctx) => {
    const { width, height, channels, data } = ctx.value;
    const expected = width * height * channels;
    if (data.length !== expected) {
      ctx.issues.push({
        code: 'custom',
        input: data.length,
        path: ['data'],
        message: `must have width × height × channels = ${width}×${height}×${channels} = ${expected} values (got ${data.length})`,
      });
    }
  })
  .meta({ id: 'Pixels', description: 'Raw pixels, row-major, integers 0–255; data.length = width × height × channels' });

export type Pixels = z.output<typeof PixelsSchema>;

/**
 * Input features for a model on top of the user's own backbone: finite numbers.
 *
 * @example
 * FeatureVectorSchema.parse([0.1, -2, 3.5]);
 */
export const FeatureVectorSchema = numberArraySchema({
  minLength: 1,
  maxLength: EVENT_LIMITS.vectorMaxLength,
  description: 'Input feature vector (finite numbers) from a user backbone',
});
