import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { featureMlpConfig, thumbnailCnnConfig } from './default-configs';
import { createEncoder } from './encoder';
import { channelStatistics, fitEncoderToImages } from './fit-encoder-to-images';

describe('fitEncoderToImages', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('leaves a network whose input already matches, and MLPs, untouched', () => {
    const thumbnail = thumbnailCnnConfig();
    expect(fitEncoderToImages(thumbnail, { height: 28, width: 28, channels: 1 }, new Uint8Array(784))).toBe(thumbnail);
    const mlp = featureMlpConfig(64);
    expect(fitEncoderToImages(mlp, { height: 40, width: 40, channels: 3 }, new Uint8Array(4800))).toBe(mlp);
  });

  it('keeps the thumbnail trunk on small RGB images, standardised by their own statistics', () => {
    const images = Uint8Array.from({ length: 2 * 40 * 48 * 3 }, (_, i) => [10, 100, 200][i % 3] + (i % 7));
    const fitted = fitEncoderToImages(thumbnailCnnConfig({ globalPool: 'flatten' }), { height: 40, width: 48, channels: 3 }, images);
    if (fitted.kind !== 'cnn') throw new Error('expected a CNN');
    expect(fitted.input).toEqual({ height: 40, width: 48, channels: 3 });
    expect(fitted.blocks).toEqual(thumbnailCnnConfig().blocks);
    expect(fitted.globalPool).toBe('flatten');
    expect(fitted.normalization.mean.map(Math.round)).toEqual([13, 103, 203]);
    const encoder = createEncoder(fitted);
    const out = encoder.embed(tf.tensor4d(Float32Array.from(images), [2, 40, 48, 3]));
    expect(out.shape).toEqual([2, fitted.head.dim]);
    tf.dispose(out);
    encoder.dispose();
  });

  it('switches to the photo network, average-pooled, on large images', () => {
    const fitted = fitEncoderToImages(thumbnailCnnConfig({ globalPool: 'flatten' }), { height: 96, width: 128, channels: 3 }, new Uint8Array(96 * 128 * 3).fill(50));
    if (fitted.kind !== 'cnn') throw new Error('expected a CNN');
    expect(fitted.input).toEqual({ height: 96, width: 128, channels: 3 });
    expect(fitted.globalPool).toBe('avg');
    expect(fitted.blocks[0].stride).toBe(2);
  });

  it('computes per-channel mean and standard deviation of interleaved pixels', () => {
    // Channel 0: 0, 2 (mean 1, std 1); channel 1: 10, 10 (mean 10, std floored).
    const stats = channelStatistics([0, 10, 2, 10], 2);
    expect(stats.mean).toEqual([1, 10]);
    expect(stats.std[0]).toBeCloseTo(1, 12);
    expect(stats.std[1]).toBe(1e-3);
  });
});
