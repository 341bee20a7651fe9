import { describe, expect, it } from 'vitest';
import { parseEncoderConfig } from './config';
import { featureMlpConfig, photoCnnConfig, thumbnailCnnConfig } from './default-configs';

describe('parseEncoderConfig', () => {
  it('fills defaults', () => {
    const config = parseEncoderConfig({
      kind: 'cnn',
      input: { height: 32, width: 32, channels: 3 },
      normalization: { mean: [0, 0, 0], std: [1, 1, 1] },
      blocks: [{ filters: 8, kernelSize: 3 }],
      head: { dim: 16 },
    });
    expect(config).toMatchObject({ batchNorm: true, globalPool: 'avg', trainable: 'all', blocks: [{ stride: 1, pool: null }], head: { hidden: [] } });
  });

  it('names the offending field', () => {
    expect(() => parseEncoderConfig({ ...thumbnailCnnConfig(), blocks: [{ filters: 0, kernelSize: 3 }] })).toThrow(/blocks\.0\.filters/);
    expect(() => parseEncoderConfig({ ...thumbnailCnnConfig(), normalization: { mean: [1, 2], std: [1, 1] } })).toThrow(/normalization\.mean/);
    expect(() => parseEncoderConfig({ ...thumbnailCnnConfig(), normalization: { mean: [1], std: [0] } })).toThrow(/normalization\.std\.0/);
    expect(() => parseEncoderConfig({ kind: 'mlp', input: { features: -1 }, dim: 8 })).toThrow(/input\.features/);
    expect(() => parseEncoderConfig({ kind: 'rnn' })).toThrow(/kind/);
  });

  it('rejects blocks that downsample the input to nothing', () => {
    const blocks = Array.from({ length: 4 }, () => ({ filters: 4, kernelSize: 3, stride: 2 as const, pool: 'max' as const }));
    expect(() => parseEncoderConfig({ ...thumbnailCnnConfig(), blocks })).toThrow(/blocks\.2/);
  });

  it('provides valid defaults for thumbnails, photos and feature vectors', () => {
    expect(thumbnailCnnConfig().input).toEqual({ height: 28, width: 28, channels: 1 });
    for (const size of [64, 128, 224]) expect(photoCnnConfig(size).input).toEqual({ height: size, width: size, channels: 3 });
    expect(featureMlpConfig(512).input).toEqual({ features: 512 });
  });
});
