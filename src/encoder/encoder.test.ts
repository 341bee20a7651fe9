import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createEncoder } from './encoder';
import { featureMlpConfig, photoCnnConfig, thumbnailCnnConfig } from './default-configs';

const exportableLayers = new Set([
  'Conv2D', 'BatchNormalization', 'Activation', 'ReLU', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D',
  'GlobalMaxPooling2D', 'Flatten', 'Dense', 'Dropout', 'InputNormalization', 'L2Normalize',
]);

function rowNorms(t: tf.Tensor2D): number[] {
  return Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), 1))).dataSync());
}

describe('Encoder', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('embeds 28×28×1 thumbnails into unit vectors using only exportable layers', () => {
    const encoder = createEncoder(thumbnailCnnConfig());
    const x = tf.randomUniform([3, 28, 28, 1], 0, 255);
    const e = encoder.embed(x);
    expect(e.shape).toEqual([3, 64]);
    for (const n of rowNorms(e)) expect(n).toBeCloseTo(1, 5);
    for (const layer of [...encoder.featureExtractor.layers, ...encoder.head.layers]) expect(exportableLayers).toContain(layer.getClassName());
    tf.dispose([x, e]);
    encoder.dispose();
  });

  it.each([64, 96])('embeds %i px RGB photos', (size) => {
    const encoder = createEncoder(photoCnnConfig(size));
    const x = tf.randomUniform([2, size, size, 3], 0, 255);
    const e = encoder.embed(x);
    expect(e.shape).toEqual([2, 128]);
    for (const n of rowNorms(e)) expect(n).toBeCloseTo(1, 5);
    tf.dispose([x, e]);
    encoder.dispose();
  });

  it('rejects inputs of the wrong shape, naming the expected one', () => {
    const encoder = createEncoder(thumbnailCnnConfig());
    expect(() => encoder.embed(tf.zeros([2, 32, 32, 1]))).toThrow(/\[batch, 28, 28, 1\]/);
    encoder.dispose();
  });

  it('MLP embedding equals an independent computation from its weights', () => {
    const encoder = createEncoder(featureMlpConfig(6, { hidden: [], dim: 4, normalization: { mean: [1], std: [2] } }));
    const xValues = [[1, 2, 3, 4, 5, 6], [-1, 0, 0.5, 2, 7, -3]];
    const [kernel, bias] = encoder.head.getWeights().map((w) => w.arraySync() as number[][] | number[]);
    const expected = xValues.map((row) => {
      const z = row.map((v) => (v - 1) / 2);
      const y = (bias as number[]).map((b, j) => b + z.reduce((s, v, i) => s + v * (kernel as number[][])[i][j], 0));
      const norm = Math.sqrt(y.reduce((s, v) => s + v * v, 0));
      return y.map((v) => v / norm);
    });
    const e = encoder.embed(tf.tensor2d(xValues)).arraySync();
    e.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i][j], 5)));
    encoder.dispose();
  });

  it("with trainable 'head' only the head learns; with 'all' the trunk learns too", () => {
    for (const trainable of ['head', 'all'] as const) {
      const encoder = createEncoder(thumbnailCnnConfig({ trainable, blocks: [{ filters: 4, kernelSize: 3, stride: 1, pool: 'max' }], head: { hidden: [8], dim: 4 } }));
      const trunkBefore = encoder.featureExtractor.getWeights().map((w) => w.dataSync().slice());
      const headBefore = encoder.head.getWeights().map((w) => w.dataSync().slice());
      const x = tf.randomUniform([4, 28, 28, 1], 0, 255);
      const target = tf.randomNormal([4, 4]);
      tf.train.sgd(0.1).minimize(() => tf.mean(tf.square(tf.sub(encoder.embedForTraining(x), target))) as tf.Scalar, false, encoder.trainableVariables());
      const changed = (before: ArrayLike<number>[], after: tf.Tensor[]) => after.some((w, i) => w.dataSync().some((v, k) => v !== before[i][k]));
      expect(changed(headBefore, encoder.head.getWeights())).toBe(true);
      expect(changed(trunkBefore, encoder.featureExtractor.getWeights())).toBe(trainable === 'all');
      const expectedCount = encoder.head.trainableWeights.length + (trainable === 'all' ? 3 : 0); // conv kernel, BN gamma, BN beta
      expect(encoder.trainableVariables()).toHaveLength(expectedCount);
      encoder.dispose();
    }
  });

  it('updates BatchNormalization moving statistics in a custom training loop', () => {
    const encoder = createEncoder(thumbnailCnnConfig({ blocks: [{ filters: 4, kernelSize: 3, stride: 1, pool: null }], head: { hidden: [], dim: 4 } }));
    const x = tf.randomUniform([8, 28, 28, 1], 0, 255);
    const bn = encoder.featureExtractor.getLayer('block1_bn') as tfl.layers.Layer;
    const conv = encoder.featureExtractor.getLayer('block1_conv');
    // Independent reference: batch statistics of conv(normalised x), as BN sees them.
    const [refMean, refVar] = tf.tidy(() => {
      const z = tf.div(tf.sub(x, 72.94), 90.02);
      const y = tf.conv2d(z as tf.Tensor4D, conv.getWeights()[0] as tf.Tensor4D, 1, 'same');
      const m = tf.moments(y, [0, 1, 2]);
      return [m.mean.dataSync(), m.variance.dataSync()];
    });
    tf.train.sgd(0).minimize(() => tf.mean(encoder.embedForTraining(x)) as tf.Scalar, false, encoder.trainableVariables());
    const [, , movingMean, movingVar] = bn.getWeights().map((w) => w.dataSync());
    for (let c = 0; c < 4; c++) {
      expect(movingMean[c]).toBeCloseTo(0.1 * refMean[c], 4); // momentum 0.9, initial mean 0
      expect(movingVar[c]).toBeCloseTo(0.9 + 0.1 * refVar[c], 3); // initial variance 1
    }
    // Once the moving statistics have converged on a batch, inference matches training mode.
    for (let i = 0; i < 80; i++) tf.tidy(() => encoder.embedForTraining(x));
    const inference = encoder.embed(x).dataSync();
    const training = tf.tidy(() => encoder.embedForTraining(x)).dataSync();
    const diff = Math.max(...inference.map((v, i) => Math.abs(v - training[i])));
    expect(diff).toBeLessThan(1e-2);
    encoder.dispose();
  });

  it('does not leak tensors across training steps', () => {
    const encoder = createEncoder(thumbnailCnnConfig({ blocks: [{ filters: 4, kernelSize: 3, stride: 2, pool: 'avg' }], head: { hidden: [8], dim: 4 } }));
    const optimizer = tf.train.adam(1e-3);
    const x = tf.randomUniform([4, 28, 28, 1], 0, 255);
    const step = () => tf.dispose(optimizer.minimize(() => tf.mean(encoder.embedForTraining(x)) as tf.Scalar, true, encoder.trainableVariables()) ?? []);
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    encoder.dispose();
  });
});
