import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputNormalization } from '../encoder/layers/input-normalization';
import { L2Normalize } from '../encoder/layers/l2-normalize';
import { exportToOnnx } from './export-to-onnx';
import { FASHION_MNIST_TEST_IMAGES, readIdxImages } from './testing/fashion-mnist';
import { maxAbsDiff, randomInput, randomizeBatchNorm, runTfChain } from './testing/parity';

beforeAll(async () => {
  await tf.setBackend('cpu');
  ortWeb.env.wasm.numThreads = 1;
});

async function runWeb(bytes: Uint8Array, data: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const out = (await session.run({ input: new ortWeb.Tensor('float32', data, shape) })).embedding;
    return { data: out.data as Float32Array, dims: [...out.dims] };
  } finally {
    await session.release();
  }
}

describe('exported models in onnxruntime-web (wasm, 1 thread)', () => {
  it('CNN on Fashion-MNIST images matches TF.js for batch 1 and 7', async () => {
    const frozen = tfl.sequential({
      layers: [
        new InputNormalization({ inputShape: [28, 28, 1], mean: [72.94], std: [90.02] }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.batchNormalization({}),
        tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'valid' }),
        tfl.layers.globalAveragePooling2d({}),
      ],
    });
    const head = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [8], units: 6 }), new L2Normalize({})] });
    randomizeBatchNorm(frozen, 3);
    const bytes = exportToOnnx({ frozen, head });
    const images = Float32Array.from(readIdxImages(FASHION_MNIST_TEST_IMAGES, 7).pixels);
    for (const batch of [1, 7]) {
      const shape = [batch, 28, 28, 1];
      const input = images.subarray(0, batch * 784);
      const got = await runWeb(bytes, input, shape);
      expect(got.dims).toEqual([batch, 6]);
      expect(maxAbsDiff(got.data, runTfChain([frozen, head], input, shape).data)).toBeLessThanOrEqual(1e-4);
    }
  });

  it('64×64×3 model with max pooling, flatten and softmax matches TF.js on random pixels', async () => {
    const model = tfl.sequential({
      layers: [
        new InputNormalization({ inputShape: [64, 64, 3], mean: [120, 115, 100], std: [60, 58, 57] }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 5, strides: 2, padding: 'same', activation: 'elu' }),
        tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 10, activation: 'softmax' }),
        new L2Normalize({}),
      ],
    });
    const shape = [7, 64, 64, 3];
    const input = randomInput(shape, 0, 255, 11);
    const got = await runWeb(exportToOnnx(model), input, shape);
    expect(maxAbsDiff(got.data, runTfChain([model], input, shape).data)).toBeLessThanOrEqual(1e-4);
  });
});
