import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { FASHION_MNIST_TEST_IMAGES, readIdxImages } from '../onnx/testing/fashion-mnist';
import { maxAbsDiff, randomInput, randomizeBatchNorm, runOrt, runTfChain } from '../onnx/testing/parity';
import { cnnFeatureCount, parseEncoderConfig, type CnnEncoderConfig, type EncoderConfigInput } from './config';
import { thumbnailCnnConfig } from './default-configs';
import { createEncoder } from './encoder';

const thumbnailFlatten: EncoderConfigInput = thumbnailCnnConfig({ batchNorm: false, globalPool: 'flatten' });

const oddSizeFlatten: EncoderConfigInput = {
  kind: 'cnn',
  input: { height: 33, width: 47, channels: 3 },
  normalization: { mean: [120, 110, 100], std: [60, 55, 50] },
  blocks: [
    { filters: 4, kernelSize: 3, stride: 2, pool: 'avg' },
    { filters: 6, kernelSize: 3, pool: 'max' },
  ],
  batchNorm: true,
  globalPool: 'flatten',
  head: { hidden: [], dim: 8 },
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe("CNN encoder with globalPool 'flatten'", () => {
  it('counts H′×W′×C features, following strides and pools down from odd input sizes', () => {
    expect(cnnFeatureCount(parseEncoderConfig(thumbnailFlatten) as CnnEncoderConfig)).toBe(7 * 7 * 64);
    // 33×47 → stride 2: 17×24 → pool: 8×12 → pool: 4×6.
    expect(cnnFeatureCount(parseEncoderConfig(oddSizeFlatten) as CnnEncoderConfig)).toBe(4 * 6 * 6);
    expect(cnnFeatureCount(parseEncoderConfig({ ...thumbnailFlatten, globalPool: 'avg' }) as CnnEncoderConfig)).toBe(64);
  });

  it('rejects an unknown globalPool, naming the field', () => {
    expect(() => parseEncoderConfig({ ...thumbnailFlatten, globalPool: 'sum' })).toThrow(/globalPool/);
  });

  it('hands the head the last feature map flattened in NHWC order, and embeds into unit vectors', () => {
    const encoder = createEncoder(thumbnailFlatten);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 255, 'float32', 5);
    const layers = encoder.featureExtractor.layers;
    expect(layers[layers.length - 1].getClassName()).toBe('Flatten');
    const beforeFlatten = layers.slice(0, -1).reduce<tf.Tensor>((t, layer) => layer.apply(t) as tf.Tensor, x);
    expect(beforeFlatten.shape).toEqual([3, 7, 7, 64]);
    const features = encoder.featureExtractor.predict(x) as tf.Tensor;
    expect(features.shape).toEqual([3, 3136]);
    expect(maxAbsDiff(features.dataSync(), beforeFlatten.dataSync())).toBe(0);
    const embeddings = encoder.embed(x);
    expect(embeddings.shape).toEqual([3, 64]);
    const norms = tf.tidy(() => tf.sqrt(tf.sum(tf.square(embeddings), 1)).dataSync());
    for (const n of norms) expect(n).toBeCloseTo(1, 5);
    tf.dispose([x, beforeFlatten, features, embeddings]);
    encoder.dispose();
  });

  it('exports to ONNX: onnxruntime-node gives the TF.js embeddings of real Fashion-MNIST images (batch 1 and 7)', async () => {
    const encoder = createEncoder(thumbnailFlatten);
    const session = await ort.InferenceSession.create(exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }));
    const pixels = Float32Array.from(readIdxImages(FASHION_MNIST_TEST_IMAGES, 7).pixels);
    for (const batch of [1, 7]) {
      const shape = [batch, 28, 28, 1];
      const input = pixels.subarray(0, batch * 28 * 28);
      const want = runTfChain([encoder.featureExtractor, encoder.head], input, shape);
      const got = await runOrt(session, input, shape);
      expect(got.dims).toEqual([batch, 64]);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1e-4);
    }
    encoder.dispose();
  });

  it('exports to ONNX with BatchNormalization, strides and odd-sized RGB input', async () => {
    const encoder = createEncoder(oddSizeFlatten);
    randomizeBatchNorm(encoder.featureExtractor, 3);
    const session = await ort.InferenceSession.create(exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }));
    for (const batch of [1, 5]) {
      const shape = [batch, 33, 47, 3];
      const input = randomInput(shape, 0, 255, batch);
      const want = runTfChain([encoder.featureExtractor, encoder.head], input, shape);
      const got = await runOrt(session, input, shape);
      expect(got.dims).toEqual([batch, 8]);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(1e-4);
    }
    encoder.dispose();
  });
});
