import { ImageDecodeError, type ImageDecoder } from '../../core/image-decoder';
import { ApiError, fieldError } from '../api-error';
import type { QueryContent } from './embed-query';

function tooLarge(field: string, width: number, height: number, maxPixels: number): ApiError {
  const message = `${width}×${height} = ${width * height} pixels exceeds the ${maxPixels} a query may have (MAX_QUERY_PIXELS); resize it`;
  return new ApiError(413, 'query_too_large', `${field}: ${message}`, [{ path: field, message }]);
}

/**
 * Refuses (413, naming the field) a query image or pixel grid of more than `maxPixels`, before
 * anything is decoded: embedding cost grows with the pixels a client sends, not with the model.
 * An image's size is read by the decoder (from its header, where the codec allows).
 *
 * @example
 * await assertQueryPixels({ pixels: { width: 8000, height: 8000, channels: 1, data } }, 16_777_216, decoder); // throws 413 naming pixels
 */
export async function assertQueryPixels(content: QueryContent, maxPixels: number, decoder: ImageDecoder): Promise<void> {
  if (content.pixels !== undefined) {
    const { width, height } = content.pixels;
    if (width * height > maxPixels) throw tooLarge('pixels', width, height, maxPixels);
  }
  if (content.image !== undefined) {
    let size: { width: number; height: number };
    try {
      size = await decoder.size(content.image, 'image');
    } catch (error) {
      if (error instanceof ImageDecodeError) throw fieldError(error.field, error.message.slice(error.field.length + 2), 'invalid_image');
      throw error;
    }
    const { width, height } = size;
    if (width * height > maxPixels) throw tooLarge('image', width, height, maxPixels);
  }
}
