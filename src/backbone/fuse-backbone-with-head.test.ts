import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputNormalization } from '../encoder/layers/input-normalization';
import { L2Normalize } from '../encoder/layers/l2-normalize';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { FASHION_MNIST_TEST_IMAGES, readIdxImages } from '../onnx/testing/fashion-mnist';
import { maxAbsDiff, randomInput, randomizeBatchNorm, runOrt, runTfChain } from '../onnx/testing/parity';
import { fuseBackboneWithHead } from './fuse-backbone-with-head';
import { buildTinyResNetOnnx } from './testing/tiny-resnet-onnx';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ortWeb.env.wasm.numThreads = 1;
});

function head(inputDim: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [inputDim], units: 12, activation: 'relu' }), tfl.layers.batchNormalization({}), tfl.layers.dense({ units: 6 }), new L2Normalize({})],
  });
}

/** Reference: the backbone alone in onnxruntime, its output flattened per row, then the head in TF.js. */
async function backboneThenHead(backbone: Uint8Array, headModel: tfl.LayersModel, input: Float32Array, shape: number[]) {
  const session = await ort.InferenceSession.create(backbone);
  const features = await runOrt(session, input, shape);
  const rowSize = features.data.length / shape[0];
  return runTfChain([headModel], features.data, [shape[0], rowSize]);
}

describe('fuseBackboneWithHead', () => {
  it('fused tiny ResNet (NCHW, [N, C, 1, 1] output) + head equals backbone in ORT then head in TF.js, batch 1 and 7', async () => {
    const backbone = buildTinyResNetOnnx({ height: 33, width: 47, features: 8 });
    const h = head(8);
    randomizeBatchNorm(h, 4);
    const session = await ort.InferenceSession.create(fuseBackboneWithHead(backbone, h));
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toEqual(['embedding']);
    for (const batch of [1, 7]) {
      const shape = [batch, 3, 33, 47];
      const input = randomInput(shape, -2, 2, batch);
      const want = await backboneThenHead(backbone, h, input, shape);
      const got = await runOrt(session, input, shape);
      expect(got.dims).toEqual([batch, 6]);
      expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('keeps names apart when the backbone output is itself called "embedding", at fixed batch 1 and opset 13', async () => {
    const backbone = buildTinyResNetOnnx({ height: 16, width: 16, features: 5, batch: 1, outputName: 'embedding', opset: 13, seed: 9 });
    const h = head(5);
    const fused = fuseBackboneWithHead(backbone, h);
    const session = await ort.InferenceSession.create(fused);
    const shape = [1, 3, 16, 16];
    const input = randomInput(shape, 0, 1, 3);
    const got = await runOrt(session, input, shape);
    expect(got.dims).toEqual([1, 6]);
    expect(maxAbsDiff(got.data, (await backboneThenHead(backbone, h, input, shape)).data)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('fuses one of our own exported CNN trunks (NHWC raw pixels) and matches TF.js trunk + head on Fashion-MNIST', async () => {
    const trunk = tfl.sequential({
      layers: [
        new InputNormalization({ inputShape: [28, 28, 1], mean: [72.94], std: [90.02] }),
        tfl.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
      ],
    });
    const h = head(294);
    randomizeBatchNorm(h, 8);
    const fused = fuseBackboneWithHead(exportToOnnx(trunk, { outputName: 'features' }), h);
    const pixels = Float32Array.from(readIdxImages(FASHION_MNIST_TEST_IMAGES, 7).pixels);
    const shape = [7, 28, 28, 1];
    const want = runTfChain([trunk, h], pixels, shape);
    expect(maxAbsDiff((await runOrt(await ort.InferenceSession.create(fused), pixels, shape)).data, want.data)).toBeLessThanOrEqual(TOLERANCE);

    const web = await ortWeb.InferenceSession.create(fused, { executionProviders: ['wasm'] });
    const webOut = (await web.run({ input: new ortWeb.Tensor('float32', pixels, shape) })).embedding;
    expect(maxAbsDiff(webOut.data as Float32Array, want.data)).toBeLessThanOrEqual(TOLERANCE);
    await web.release();
  });

  it('rejects a head of the wrong width, an unknown backbone output and a too old opset', () => {
    const backbone = buildTinyResNetOnnx({ height: 8, width: 8, features: 8 });
    expect(() => fuseBackboneWithHead(backbone, head(10))).toThrow(/expects input shape \[null, 10\] but receives \[null, 8\]/);
    expect(() => fuseBackboneWithHead(backbone, head(8), { backboneOutput: 'logits' })).toThrow(/options\.backboneOutput "logits"/);
    expect(() => fuseBackboneWithHead(buildTinyResNetOnnx({ height: 8, width: 8, opset: 12 }), head(8))).toThrow(/opset 12 is too old/);
    expect(() => fuseBackboneWithHead(new Uint8Array([1, 2, 3]), head(8))).toThrow(/not a valid ONNX model/);
  });
});
