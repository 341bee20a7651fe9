import type { EncoderInputSpec } from './catalog-state';
import { encodePng } from './png-encode';

/** Longest side of a thumbnail, in pixels. */
export const THUMBNAIL_MAX_SIDE = 64;

const cache = new WeakMap<Float32Array, string>();

/**
 * A small PNG (base64) of an item's image input (HWC, 0–255), box-averaged down to at most
 * THUMBNAIL_MAX_SIDE pixels a side; undefined for feature-vector inputs. Computed once per input
 * array: re-embedding a catalog asks for every item's payload at each publication.
 *
 * @example
 * thumbnailOf(item.input, { height: 28, width: 28, channels: 1 }); // 'iVBORw0KGgo…'
 */
export function thumbnailOf(input: Float32Array, spec: EncoderInputSpec): string | undefined {
  if ('features' in spec || (spec.channels !== 1 && spec.channels !== 3)) return undefined;
  const cached = cache.get(input);
  if (cached !== undefined) return cached;
  const { height, width, channels } = spec;
  const scale = Math.max(1, Math.ceil(Math.max(height, width) / THUMBNAIL_MAX_SIDE));
  const h = Math.ceil(height / scale);
  const w = Math.ceil(width / scale);
  const data = new Uint8Array(h * w * channels);
  if (scale === 1) {
    // Small enough already (a 28×28 catalog): pixel for pixel, without the averaging loops.
    for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, Math.round(input[i])));
  } else {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          let count = 0;
          for (let dy = 0; dy < scale && y * scale + dy < height; dy++) {
            for (let dx = 0; dx < scale && x * scale + dx < width; dx++) {
              sum += input[((y * scale + dy) * width + x * scale + dx) * channels + c];
              count++;
            }
          }
          data[(y * w + x) * channels + c] = Math.max(0, Math.min(255, Math.round(sum / count)));
        }
      }
    }
  }
  const base64 = encodePng({ width: w, height: h, data, channels }).toString('base64');
  cache.set(input, base64);
  return base64;
}
