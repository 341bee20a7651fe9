import type { CnnEncoderConfig, MlpEncoderConfig } from './config';
import { parseEncoderConfig } from './config';

/**
 * Small CNN for 28×28 grey thumbnails (Fashion-MNIST-like), sized so that a CPU/wasm training
 * budget of minutes covers several epochs of tens of thousands of images. Inputs are raw
 * 0–255 pixels; the mean/std are Fashion-MNIST's.
 *
 * @example
 * const encoder = createEncoder(thumbnailCnnConfig());
 */
export function thumbnailCnnConfig(overrides: Partial<CnnEncoderConfig> = {}): CnnEncoderConfig {
  return parseEncoderConfig({
    kind: 'cnn',
    input: { height: 28, width: 28, channels: 1 },
    normalization: { mean: [72.94], std: [90.02] },
    blocks: [
      { filters: 16, kernelSize: 3, pool: 'max' },
      { filters: 32, kernelSize: 3, pool: 'max' },
      { filters: 64, kernelSize: 3, pool: null },
    ],
    batchNorm: true,
    globalPool: 'avg',
    head: { hidden: [128], dim: 64 },
    trainable: 'all',
    ...overrides,
  }) as CnnEncoderConfig;
}

/**
 * CNN for RGB photos of `size`×`size` pixels (64–224): a strided stem, then blocks that halve
 * the resolution while widening, so compute stays moderate at 224 px. Normalisation uses the
 * ImageNet statistics in 0–255 units.
 *
 * @example
 * const encoder = createEncoder(photoCnnConfig(128));
 */
export function photoCnnConfig(size = 96, overrides: Partial<CnnEncoderConfig> = {}): CnnEncoderConfig {
  return parseEncoderConfig({
    kind: 'cnn',
    input: { height: size, width: size, channels: 3 },
    normalization: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
    blocks: [
      { filters: 32, kernelSize: 5, stride: 2, pool: null },
      { filters: 32, kernelSize: 3, pool: 'max' },
      { filters: 64, kernelSize: 3, pool: 'max' },
      { filters: 128, kernelSize: 3, pool: size >= 128 ? 'max' : null },
      { filters: 256, kernelSize: 3, pool: null },
    ],
    batchNorm: true,
    globalPool: 'avg',
    head: { hidden: [256], dim: 128 },
    trainable: 'all',
    ...overrides,
  }) as CnnEncoderConfig;
}

/**
 * Projection head over precomputed feature vectors (e.g. 512-d backbone embeddings).
 *
 * @example
 * const encoder = createEncoder(featureMlpConfig(512));
 */
export function featureMlpConfig(features = 512, overrides: Partial<MlpEncoderConfig> = {}): MlpEncoderConfig {
  return parseEncoderConfig({ kind: 'mlp', input: { features }, hidden: [256], dim: 128, trainable: 'head', ...overrides }) as MlpEncoderConfig;
}
