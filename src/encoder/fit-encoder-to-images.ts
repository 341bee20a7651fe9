import type { CnnEncoderConfig, EncoderConfigInput } from './config';
import { parseEncoderConfig } from './config';
import { photoCnnConfig } from './default-configs';

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/** Largest side up to which a thumbnail network keeps its own trunk on a new image size. */
const THUMBNAIL_MAX_SIDE = 48;

/**
 * A CNN configuration for images of `shape` derived from `config` (a recipe's network, usually
 * built for 28×28 grey thumbnails): unchanged when the shapes already agree; otherwise the same
 * trunk and head on the new size for images up to 48 px a side, and the photo network at the
 * images' own size beyond that (a thumbnail trunk's flattened map would grow too large).
 * Normalisation becomes the per-channel mean and standard deviation of `images`, so the network
 * sees standardised inputs whatever the source. MLP configurations are returned as they are.
 *
 * @example
 * const config = fitEncoderToImages(recipe.encoder, { height: 40, width: 48, channels: 3 }, dataset.images);
 */
export function fitEncoderToImages(config: EncoderConfigInput, shape: ImageShape, images: ArrayLike<number>): EncoderConfigInput {
  if (config.kind !== 'cnn') return config;
  const { height, width, channels } = shape;
  if (config.input.height === height && config.input.width === width && config.input.channels === channels) return config;
  const normalization = channelStatistics(images, channels);
  if (Math.max(height, width) <= THUMBNAIL_MAX_SIDE) {
    return parseEncoderConfig({ ...config, input: { height, width, channels }, normalization }) as CnnEncoderConfig;
  }
  return photoCnnConfig(Math.max(height, width), { input: { height, width, channels }, normalization });
}

/** Per-channel mean and standard deviation of interleaved (HWC) pixels; std floored at 1e-3. */
export function channelStatistics(images: ArrayLike<number>, channels: number): { mean: number[]; std: number[] } {
  const sums = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let i = 0; i < images.length; i++) {
    const v = images[i];
    sums[i % channels] += v;
    squares[i % channels] += v * v;
  }
  const count = images.length / channels;
  const mean = Array.from(sums, (s) => s / count);
  const std = Array.from(squares, (s, c) => Math.max(Math.sqrt(Math.max(s / count - mean[c] ** 2, 0)), 1e-3));
  return { mean, std };
}
