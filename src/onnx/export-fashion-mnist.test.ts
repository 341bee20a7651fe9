import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputNormalization } from '../encoder/layers/input-normalization';
import { L2Normalize } from '../encoder/layers/l2-normalize';
import { exportToOnnx } from './export-to-onnx';
import { FASHION_MNIST_TEST_IMAGES, readIdxImages } from './testing/fashion-mnist';
import { maxAbsDiff, randomizeBatchNorm, runOrt, runTfChain } from './testing/parity';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('exportToOnnx on real Fashion-MNIST images', () => {
  it('frozen CNN trunk + head give the TF.js embeddings in onnxruntime-node (batch 1 and 7)', async () => {
    const images = readIdxImages(FASHION_MNIST_TEST_IMAGES, 7);
    expect([images.count, images.rows, images.cols]).toEqual([7, 28, 28]);
    const frozen = tfl.sequential({
      layers: [
        new InputNormalization({ inputShape: [28, 28, 1], mean: [72.94], std: [90.02] }),
        tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tfl.layers.batchNormalization({}),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.reLU({}),
        tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.flatten(),
      ],
    });
    const head = tfl.sequential({
      layers: [tfl.layers.dropout({ inputShape: [128], rate: 0.2 }), tfl.layers.dense({ units: 16, activation: 'relu' }), tfl.layers.dense({ units: 8 }), new L2Normalize({})],
    });
    randomizeBatchNorm(frozen, 7);
    const session = await ort.InferenceSession.create(exportToOnnx({ frozen, head }));
    const pixels = Float32Array.from(images.pixels);
    for (const batch of [1, 7]) {
      const shape = [batch, 28, 28, 1];
      const input = pixels.subarray(0, batch * 28 * 28);
      const want = runTfChain([frozen, head], input, shape);
      const got = await runOrt(session, input, shape);
      expect(got.dims).toEqual([batch, 8]);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1e-4);
    }
  });
});
