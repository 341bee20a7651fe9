import sharp from 'sharp';
import { ImageDecodeError, type ImageDecoder } from '../core/image-decoder';
import { decodeImageInput } from './decode-image';

/**
 * The Node service's `ImageDecoder`: libvips through sharp, which also reads an image's size
 * from its header alone.
 *
 * @example
 * const decoder = createSharpImageDecoder();
 * const input = await decoder.decode({ image: b64 }, { height: 28, width: 28, channels: 1 });
 */
export function createSharpImageDecoder(): ImageDecoder {
  return {
    decode: (input, target) => decodeImageInput(input, target),
    async size(image, field = 'image') {
      try {
        const { width = 0, height = 0 } = await sharp(Buffer.from(image, 'base64')).metadata();
        return { width, height };
      } catch (error) {
        throw new ImageDecodeError(field, `cannot be read as a PNG or JPEG image (${(error as Error).message})`, { cause: error });
      }
    },
  };
}
