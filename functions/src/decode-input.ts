import { decode as decodePng } from 'fast-png';
import jpeg from 'jpeg-js';
import { ImageDecodeError, type ImageDecoder, type ImageTarget } from '../../src/core/image-decoder';

/** A pixel grid of any channel count (decoded PNGs and JPEGs may carry alpha). */
interface PixelsInput {
  width: number;
  height: number;
  channels: number;
  data: number[];
}

/**
 * The edge's `ImageDecoder`: pure-JS PNG (fast-png) and JPEG (jpeg-js) decoding and bilinear
 * resizing, since the Workers runtime runs no native code.
 *
 * @example
 * const decoder = createEdgeImageDecoder();
 * const input = await decoder.decode({ image: b64 }, { height: 28, width: 28, channels: 1 });
 */
export function createEdgeImageDecoder(): ImageDecoder {
  return {
    async decode(input, target) {
      if (input.image !== undefined) return imageToInput(input.image, target);
      if (input.pixels !== undefined) return pixelsToInput(input.pixels, target);
      throw new ImageDecodeError('image', 'give image or pixels');
    },
    async size(image, field = 'image') {
      const { width, height } = decodeImage(image, field);
      return { width, height };
    },
  };
}

/** Turns row-major 0–255 pixels into the model's layout, converting channels and size if needed. */
export function pixelsToInput(pixels: PixelsInput, spec: ImageTarget, field = 'pixels'): Float32Array {
  const { width, height, channels, data } = pixels;
  if (data.length !== width * height * channels) {
    throw new ImageDecodeError(`${field}.data`, `expected ${width * height * channels} values (width × height × channels), got ${data.length}`);
  }
  const converted = convertChannels(Float32Array.from(data), width, height, channels, spec.channels);
  return width === spec.width && height === spec.height ? converted : resizeBilinear(converted, width, height, spec.channels, spec.width, spec.height);
}

/** Decodes a base64 PNG or JPEG without native code (the Workers runtime has none). */
export function imageToInput(base64: string, spec: ImageTarget, field = 'image'): Float32Array {
  return pixelsToInput(decodeImage(base64, field), spec, field);
}

function decodeImage(base64: string, field: string): PixelsInput {
  let bytes: Uint8Array;
  try {
    bytes = Uint8Array.from(atob(base64.replace(/^data:[^,]*,/, '')), (c) => c.charCodeAt(0));
  } catch {
    throw new ImageDecodeError(field, 'is not valid base64');
  }
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50) {
      const png = decodePng(bytes);
      const data = png.depth === 16 ? Array.from(png.data as Uint16Array, (v) => v >> 8) : Array.from(png.data);
      return { width: png.width, height: png.height, channels: png.channels, data };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { width: image.width, height: image.height, channels: 4, data: Array.from(image.data) };
    }
  } catch (error) {
    throw new ImageDecodeError(field, `cannot be decoded (${(error as Error).message})`, { cause: error });
  }
  throw new ImageDecodeError(field, 'is neither a PNG nor a JPEG image');
}

function convertChannels(data: Float32Array, width: number, height: number, from: number, to: number): Float32Array {
  if (from === to) return data;
  const n = width * height;
  const out = new Float32Array(n * to);
  for (let i = 0; i < n; i++) {
    const r = data[i * from];
    const g = from >= 3 ? data[i * from + 1] : r;
    const b = from >= 3 ? data[i * from + 2] : r;
    if (to === 1) out[i] = from >= 3 ? 0.2126 * r + 0.7152 * g + 0.0722 * b : r;
    else for (let c = 0; c < to; c++) out[i * to + c] = c === 0 ? r : c === 1 ? g : b;
  }
  return out;
}

function resizeBilinear(data: Float32Array, width: number, height: number, channels: number, toWidth: number, toHeight: number): Float32Array {
  const out = new Float32Array(toWidth * toHeight * channels);
  const sx = width / toWidth;
  const sy = height / toHeight;
  for (let y = 0; y < toHeight; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(height - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < toWidth; x++) {
      const fx = Math.min(width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(width - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < channels; c++) {
        const top = data[(y0 * width + x0) * channels + c] * (1 - wx) + data[(y0 * width + x1) * channels + c] * wx;
        const bottom = data[(y1 * width + x0) * channels + c] * (1 - wx) + data[(y1 * width + x1) * channels + c] * wx;
        out[(y * toWidth + x) * channels + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}
