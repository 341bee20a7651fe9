import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputNormalization } from '../encoder/layers/input-normalization';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { FASHION_MNIST_TEST_IMAGES, readIdxImages } from '../onnx/testing/fashion-mnist';
import { maxAbsDiff, runOrt, runTfChain } from '../onnx/testing/parity';
import { OnnxBackbone, type BackboneItem } from './onnx-backbone';
import { buildTinyResNetOnnx } from './testing/tiny-resnet-onnx';

const MEAN = [0.485, 0.456, 0.406];
const STD = [0.229, 0.224, 0.225];
const NCHW_SPEC = { layout: 'NCHW', height: 28, width: 28, channels: 3, mean: MEAN, std: STD, scale: 1 / 255 } as const;
const images = readIdxImages(FASHION_MNIST_TEST_IMAGES, 6);
const grey = (i: number) => images.pixels.subarray(i * 784, (i + 1) * 784);
const rawItem = (i: number, id = `item-${i}`): BackboneItem => ({ id, image: { data: grey(i), width: 28, height: 28, channels: 1 } });

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'discern-backbone-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Independent preprocessing: grey replicated to RGB, `(p/255 - mean) / std`, NCHW. */
function referenceNchw(indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * 3 * 784);
  indices.forEach((img, n) => {
    for (let c = 0; c < 3; c++) for (let p = 0; p < 784; p++) out[(n * 3 + c) * 784 + p] = (grey(img)[p] / 255 - MEAN[c]) / STD[c];
  });
  return out;
}

describe('OnnxBackbone', () => {
  const model = buildTinyResNetOnnx({ height: 28, width: 28, features: 8 });

  it('computes features of Fashion-MNIST images as the backbone does on independently preprocessed NCHW input', async () => {
    const backbone = await OnnxBackbone.load(model, { preprocess: NCHW_SPEC, maxBatchSize: 4 });
    const features = await backbone.features([0, 1, 2, 3, 4, 5].map((i) => rawItem(i)));
    const session = await ort.InferenceSession.create(model);
    const want = await runOrt(session, referenceNchw([0, 1, 2, 3, 4, 5]), [6, 3, 28, 28]);
    expect(features.map((f) => f.length)).toEqual([8, 8, 8, 8, 8, 8]);
    expect(maxAbsDiff(Float32Array.from(features.flatMap((f) => [...f])), want.data)).toBeLessThanOrEqual(1e-5);
    expect(backbone.stats()).toEqual({ computed: 6, memoryHits: 0, diskHits: 0 });
  });

  it('computes each item once: repeats in a call, later calls and a fresh instance on the same disk cache', async () => {
    const cache = { directory: join(dir, 'features'), maxEntries: 3 };
    const first = await OnnxBackbone.load(model, { preprocess: NCHW_SPEC, cache });
    const a = await first.features([rawItem(0), rawItem(1), rawItem(0)]);
    expect(first.stats()).toEqual({ computed: 2, memoryHits: 0, diskHits: 0 });
    expect(a[2]).toEqual(a[0]);
    const b = await first.features([rawItem(1), rawItem(0)]);
    expect(first.stats()).toEqual({ computed: 2, memoryHits: 2, diskHits: 0 });
    expect(b).toEqual([a[1], a[0]]);

    // Same id, new content: a new content hash, so the features are recomputed.
    const changed = await first.features([rawItem(2, 'item-0')]);
    expect(first.stats().computed).toBe(3);
    expect(maxAbsDiff(changed[0], a[0])).toBeGreaterThan(1e-3);

    // The memory bound holds; evicted items come back from disk.
    await first.features([3, 4, 5].map((i) => rawItem(i)));
    const evicted = await first.features([rawItem(0), rawItem(5)]);
    expect(first.stats()).toEqual({ computed: 6, memoryHits: 3, diskHits: 1 });
    expect(evicted[0]).toEqual(a[0]);
    const second = await OnnxBackbone.load(model, { preprocess: NCHW_SPEC, cache });
    const c = await second.features([rawItem(0), rawItem(1)]);
    expect(second.stats()).toEqual({ computed: 0, memoryHits: 0, diskHits: 2 });
    expect(c).toEqual([a[0], a[1]]);
    const files = await readdir(join(dir, 'features', second.fingerprint), { recursive: true });
    expect(files.filter((f) => f.endsWith('.f32'))).toHaveLength(6);

    // Another preprocessing is another fingerprint and never reads these features.
    const other = await OnnxBackbone.load(model, { preprocess: { ...NCHW_SPEC, scale: 1 / 128 }, cache });
    expect(other.fingerprint).not.toBe(second.fingerprint);
    await other.features([rawItem(0)]);
    expect(other.stats()).toEqual({ computed: 1, memoryHits: 0, diskHits: 0 });
  });

  it('decodes and resizes encoded images: a lossless PNG equals its raw pixels, a constant image stays constant after resizing', async () => {
    const backbone = await OnnxBackbone.load(model, { preprocess: NCHW_SPEC });
    const png = await sharp(grey(3), { raw: { width: 28, height: 28, channels: 1 } }).png().toBuffer();
    const [fromPng, fromRaw] = await backbone.features([{ id: 'png', image: png }, rawItem(3)]);
    expect(maxAbsDiff(fromPng, fromRaw)).toBeLessThanOrEqual(1e-6);

    const jpeg = await sharp({ create: { width: 50, height: 40, channels: 3, background: { r: 200, g: 100, b: 50 } } }).png().toBuffer();
    const [resized] = await backbone.features([{ id: 'orange', image: jpeg }]);
    const constant = new Float32Array(3 * 784);
    [200, 100, 50].forEach((v, c) => constant.fill((v / 255 - MEAN[c]) / STD[c], c * 784, (c + 1) * 784));
    const want = await runOrt(await ort.InferenceSession.create(model), constant, [1, 3, 28, 28]);
    expect(maxAbsDiff(resized, want.data)).toBeLessThanOrEqual(1e-5);
  });

  it('serves an exported NHWC TF.js trunk taking raw pixels, matching TF.js on Fashion-MNIST, and a fixed-batch-1 model', async () => {
    const trunk = tfl.sequential({
      layers: [
        new InputNormalization({ inputShape: [28, 28, 1], mean: [72.94], std: [90.02] }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.globalAveragePooling2d({}),
      ],
    });
    const nhwc = await OnnxBackbone.load(exportToOnnx(trunk), { preprocess: { layout: 'NHWC', height: 28, width: 28, channels: 1, mean: [0], std: [1] } });
    const features = await nhwc.features([0, 1, 2].map((i) => rawItem(i)));
    const want = runTfChain([trunk], Float32Array.from(images.pixels.subarray(0, 3 * 784)), [3, 28, 28, 1]);
    expect(maxAbsDiff(Float32Array.from(features.flatMap((f) => [...f])), want.data)).toBeLessThanOrEqual(1e-4);

    const single = await OnnxBackbone.load(buildTinyResNetOnnx({ height: 28, width: 28, batch: 1 }), { preprocess: NCHW_SPEC });
    const rows = await single.features([0, 1, 2].map((i) => rawItem(i)));
    const batched = await (await OnnxBackbone.load(model, { preprocess: NCHW_SPEC })).features([0, 1, 2].map((i) => rawItem(i)));
    expect(rows).toEqual(batched);
  });

  it('names the bad field in errors', async () => {
    await expect(OnnxBackbone.load(model, { preprocess: { ...NCHW_SPEC, std: [0.2, -1, 0.2] } })).rejects.toThrow(/preprocess\.std\.1/);
    await expect(OnnxBackbone.load(model, { preprocess: { ...NCHW_SPEC, mean: [0.5, 0.5] } })).rejects.toThrow(/preprocess\.mean/);
    await expect(OnnxBackbone.load(model, { preprocess: { ...NCHW_SPEC, height: 32 } })).rejects.toThrow(/preprocess\.height is 32 but the model's NCHW input has 28/);
    await expect(OnnxBackbone.load(model, { preprocess: { ...NCHW_SPEC, layout: 'NHWC' } })).rejects.toThrow(/preprocess\.(height|width|channels)/);
    await expect(OnnxBackbone.load(model, { preprocess: NCHW_SPEC, outputName: 'logits' })).rejects.toThrow(/options\.outputName "logits"/);
    const backbone = await OnnxBackbone.load(model, { preprocess: NCHW_SPEC });
    await expect(backbone.features([{ id: '', image: new Uint8Array(3) }])).rejects.toThrow(/items\[0\]\.id/);
    await expect(backbone.features([{ id: 'x', image: { data: new Uint8Array(10), width: 28, height: 28, channels: 1 } }])).rejects.toThrow(/image\.data has 10 bytes/);
  });
});
