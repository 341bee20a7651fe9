import sharp from 'sharp';
import { sniffImageFormat } from '../../events/image-input';
import { plainImageProblem } from '../../events/image-problem';

/** The grid an image is decoded to while checking it (the live model's, when known). */
export interface CheckTarget {
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Why an image cannot be indexed, for a 400 naming its field. */
export type ImageProblem = { code: 'image_too_large' | 'invalid_image'; message: string };

/** Grid used when no live model says which one: small, and decoding still reads every byte. */
const PROBE_TARGET: CheckTarget = { width: 8, height: 8, channels: 1 };

/**
 * Checks that a base64 PNG/JPEG can be indexed: its header's declared size is read first and
 * refused above `maxPixels` (so a 50000×50000 header costs nothing), then the whole image is
 * decoded: a truncated file, a bad chunk CRC or corrupt JPEG data are refused here rather than
 * reaching the trainer. libjpeg reports corrupt scan data only as a warning, so for JPEGs
 * warnings count as errors; libpng's warnings (an odd colour profile, say) do not.
 *
 * @example
 * const problem = await checkImage(base64, { maxPixels: 16_777_216, target: { width: 28, height: 28, channels: 1 } });
 * if (problem) throw fieldError('items.0.image', problem.message, problem.code);
 */
export async function checkImage(base64: string, options: { maxPixels: number; target?: CheckTarget }): Promise<ImageProblem | undefined> {
  const bytes = Buffer.from(base64, 'base64');
  let width: number | undefined;
  let height: number | undefined;
  try {
    // Only the header is read here, so no pixel limit applies yet: it is checked just below, with the size in the message.
    ({ width, height } = await sharp(bytes, { limitInputPixels: false }).metadata());
  } catch {
    return { code: 'invalid_image', message: plainImageProblem(bytes.subarray(0, 16)) };
  }
  if (!width || !height) return { code: 'invalid_image', message: 'declares no width or height' };
  if (width * height > options.maxPixels) {
    return { code: 'image_too_large', message: `declares ${width}×${height} = ${width * height} pixels; at most ${options.maxPixels} (MAX_IMAGE_PIXELS)` };
  }
  const target = options.target ?? PROBE_TARGET;
  try {
    const failOn = sniffImageFormat(base64) === 'jpeg' ? 'warning' : 'error';
    const pipeline = sharp(bytes, { failOn, limitInputPixels: options.maxPixels })
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } });
    await (target.channels === 1 ? pipeline.toColourspace('b-w') : pipeline.toColourspace('srgb'))
      .resize(target.width, target.height, { fit: 'fill' })
      .raw()
      .toBuffer();
  } catch {
    return { code: 'invalid_image', message: plainImageProblem(bytes.subarray(0, 16)) };
  }
  return undefined;
}
