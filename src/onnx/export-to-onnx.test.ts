import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputNormalization } from '../encoder/layers/input-normalization';
import { L2Normalize } from '../encoder/layers/l2-normalize';
import { exportToOnnx, type EncoderParts } from './export-to-onnx';
import { int64ToNumber, onnx, type OnnxTypes } from './proto';
import { maxAbsDiff, randomInput, randomizeBatchNorm, runOrt, runTfChain } from './testing/parity';

const TOLERANCE = 1e-4;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface ParityCase {
  name: string;
  build: () => tfl.LayersModel | Required<EncoderParts>;
  /** Input shape without the batch axis. */
  shape: number[];
  range?: [number, number];
}

const seq = (layers: tfl.layers.Layer[]): tfl.LayersModel => tfl.sequential({ layers });
const conv = (args: Parameters<typeof tfl.layers.conv2d>[0]) => tfl.layers.conv2d(args);

const cases: ParityCase[] = [
  {
    name: 'Conv2D same stride 2 + BatchNormalization + MaxPooling2D same + Flatten + Dense + L2Normalize on 33×47×1',
    shape: [33, 47, 1],
    range: [0, 255],
    build: () =>
      seq([
        new InputNormalization({ inputShape: [33, 47, 1], mean: [72.9], std: [90] }),
        conv({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.batchNormalization({}),
        tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 8 }),
        new L2Normalize({}),
      ]),
  },
  {
    name: 'Conv2D valid stride 2 (even kernel) + MaxPooling2D valid + AveragePooling2D valid on 28×28×1',
    shape: [28, 28, 1],
    build: () =>
      seq([
        conv({ inputShape: [28, 28, 1], filters: 3, kernelSize: [4, 2], strides: 2, padding: 'valid' }),
        tfl.layers.maxPooling2d({ poolSize: 2, padding: 'valid' }),
        tfl.layers.averagePooling2d({ poolSize: [3, 2], strides: [1, 2], padding: 'valid' }),
        tfl.layers.flatten(),
      ]),
  },
  {
    name: 'per-channel InputNormalization + Conv2D 5×5 stride 2 same + AveragePooling2D same (padding excluded) + GlobalAveragePooling2D on 64×64×3',
    shape: [64, 64, 3],
    range: [0, 255],
    build: () =>
      seq([
        new InputNormalization({ inputShape: [64, 64, 3], mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4] }),
        conv({ filters: 6, kernelSize: 5, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        conv({ filters: 5, kernelSize: 3, padding: 'valid', useBias: false }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 4, activation: 'tanh' }),
        new L2Normalize({}),
      ]),
  },
  {
    name: 'dilated Conv2D same + odd-size AveragePooling2D same stride 3 + GlobalMaxPooling2D on 33×47×2',
    shape: [33, 47, 2],
    build: () =>
      seq([
        conv({ inputShape: [33, 47, 2], filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }),
        tfl.layers.averagePooling2d({ poolSize: 2, strides: 3, padding: 'same' }),
        tfl.layers.globalMaxPooling2d({}),
      ]),
  },
  {
    name: 'BatchNormalization without center/scale on images and on vectors, custom epsilon',
    shape: [9, 11, 3],
    build: () =>
      seq([
        tfl.layers.batchNormalization({ inputShape: [9, 11, 3], center: false, epsilon: 0.01 }),
        tfl.layers.batchNormalization({ scale: false }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5 }),
        tfl.layers.batchNormalization({ epsilon: 1e-5 }),
      ]),
  },
  {
    name: 'ReLU / LeakyReLU / ELU / Softmax layers and Dropout, on images and vectors',
    shape: [10, 12, 2],
    build: () =>
      seq([
        conv({ inputShape: [10, 12, 2], filters: 4, kernelSize: 3, padding: 'same' }),
        tfl.layers.reLU({ maxValue: 0.5 }),
        conv({ filters: 4, kernelSize: 1 }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        conv({ filters: 4, kernelSize: 1 }),
        tfl.layers.elu({}),
        // TF.js computes softmax only over the last axis of images; its layer default (axis 1) is the vectors' last axis.
        tfl.layers.softmax({ axis: -1 }),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 6 }),
        tfl.layers.reLU({}),
        tfl.layers.softmax({}),
      ]),
  },
  {
    name: 'Reshape back to an image, then convolution (element order through Flatten/Reshape)',
    shape: [6, 8, 2],
    build: () =>
      seq([
        conv({ inputShape: [6, 8, 2], filters: 3, kernelSize: 3, padding: 'same' }),
        tfl.layers.flatten(),
        tfl.layers.reshape({ targetShape: [8, 6, 3] }),
        conv({ filters: 2, kernelSize: 2, strides: 2 }),
        tfl.layers.reshape({ targetShape: [-1] }),
      ]),
  },
  {
    name: 'functional graph: Concatenate of conv branches, residual Add, Concatenate of vectors',
    shape: [15, 13, 3],
    build: () => {
      const input = tfl.input({ shape: [15, 13, 3] });
      const a = conv({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tfl.SymbolicTensor;
      const b = conv({ filters: 2, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
      const ab = tfl.layers.concatenate({}).apply([a, b]) as tfl.SymbolicTensor;
      const d = conv({ filters: 4, kernelSize: 1, activation: 'sigmoid' }).apply(input) as tfl.SymbolicTensor;
      const wide = tfl.layers.concatenate({ axis: 2 }).apply([a, d]) as tfl.SymbolicTensor;
      const wideMax = tfl.layers.globalMaxPooling2d({}).apply(wide) as tfl.SymbolicTensor;
      const c = conv({ filters: 6, kernelSize: 3, padding: 'same' }).apply(ab) as tfl.SymbolicTensor;
      const residual = tfl.layers.add({}).apply([ab, c]) as tfl.SymbolicTensor;
      const pooled = tfl.layers.globalAveragePooling2d({}).apply(residual) as tfl.SymbolicTensor;
      const maxed = tfl.layers.globalMaxPooling2d({}).apply(residual) as tfl.SymbolicTensor;
      const both = tfl.layers.concatenate({}).apply([pooled, maxed, wideMax]) as tfl.SymbolicTensor;
      const out = new L2Normalize({}).apply(tfl.layers.dense({ units: 5 }).apply(both)) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out });
    },
  },
  {
    name: 'DepthwiseConv2D (multiplier 2, stride 2, same) and Dense on a rank-4 image tensor',
    shape: [17, 15, 3],
    build: () =>
      seq([
        tfl.layers.depthwiseConv2d({ inputShape: [17, 15, 3], kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.depthwiseConv2d({ kernelSize: [2, 3], padding: 'valid', useBias: false }),
        tfl.layers.dense({ units: 3, activation: 'sigmoid' }),
        tfl.layers.flatten(),
      ]),
  },
  {
    name: 'Multiply / Maximum / Minimum / Average merges on images and vectors',
    shape: [6, 7, 2],
    build: () => {
      const input = tfl.input({ shape: [6, 7, 2] });
      const a = conv({ filters: 3, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
      const b = conv({ filters: 3, kernelSize: 1 }).apply(input) as tfl.SymbolicTensor;
      const c = conv({ filters: 3, kernelSize: 2, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
      const merged = [
        tfl.layers.multiply({}).apply([a, b, c]),
        tfl.layers.maximum({}).apply([a, b]),
        tfl.layers.minimum({}).apply([b, c]),
        tfl.layers.average({}).apply([a, b, c]),
      ] as tfl.SymbolicTensor[];
      const vectors = merged.map((m) => tfl.layers.flatten().apply(m) as tfl.SymbolicTensor);
      const out = tfl.layers.add({}).apply([tfl.layers.multiply({}).apply([vectors[0], vectors[1]]) as tfl.SymbolicTensor, vectors[2], vectors[3]]) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out });
    },
  },
  {
    name: 'feature vectors [N, F]: InputNormalization + Dense + BatchNormalization + Dense + L2Normalize',
    shape: [20],
    range: [-3, 5],
    build: () =>
      seq([
        new InputNormalization({ inputShape: [20], mean: Array.from({ length: 20 }, (_, i) => i / 10), std: Array.from({ length: 20 }, (_, i) => 1 + i / 20) }),
        tfl.layers.dense({ units: 16, activation: 'relu' }),
        tfl.layers.batchNormalization({}),
        tfl.layers.dense({ units: 8, useBias: false }),
        new L2Normalize({ epsilon: 1e-6 }),
      ]),
  },
  {
    name: 'chained parts: frozen CNN trunk then trainable head',
    shape: [28, 28, 1],
    range: [0, 255],
    build: () => ({
      frozen: seq([
        new InputNormalization({ inputShape: [28, 28, 1], mean: [72.9], std: [90] }),
        conv({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
        tfl.layers.batchNormalization({}),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
      ]),
      head: seq([tfl.layers.dense({ inputShape: [196], units: 12, activation: 'relu' }), tfl.layers.dense({ units: 6 }), new L2Normalize({})]),
    }),
  },
  {
    name: 'a Sequential trunk used as a layer inside a functional model',
    shape: [12, 12, 1],
    build: () => {
      const trunk = seq([conv({ inputShape: [12, 12, 1], filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), tfl.layers.globalAveragePooling2d({})]);
      const input = tfl.input({ shape: [12, 12, 1] });
      const features = trunk.apply(input) as tfl.SymbolicTensor;
      const out = tfl.layers.dense({ units: 4 }).apply(features) as tfl.SymbolicTensor;
      return tfl.model({ inputs: input, outputs: out });
    },
  },
];

const activations = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'softsign', 'hardSigmoid', 'softmax', 'swish', 'mish', 'gelu'] as const;
for (const activation of activations) {
  cases.push({
    name: `activation ${activation} on images (Conv2D, Activation layer) and vectors (Dense)`,
    shape: [7, 5, 2],
    range: [-4, 4],
    build: () =>
      seq([
        conv({ inputShape: [7, 5, 2], filters: 3, kernelSize: 3, padding: 'same', activation }),
        tfl.layers.activation({ activation }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 5, activation }),
      ]),
  });
}

function modelsOf(built: tfl.LayersModel | Required<EncoderParts>): tfl.LayersModel[] {
  return built instanceof tfl.LayersModel ? [built] : [built.frozen, built.head];
}

describe('exportToOnnx parity with TF.js (cpu) in onnxruntime-node', () => {
  cases.forEach((c, caseIndex) => {
    it(c.name, async () => {
      const built = c.build();
      const models = modelsOf(built);
      models.forEach((m, i) => randomizeBatchNorm(m, 100 * caseIndex + i));
      const session = await ort.InferenceSession.create(exportToOnnx(built));
      for (const batch of [1, 7]) {
        const shape = [batch, ...c.shape];
        const [low, high] = c.range ?? [-1, 1];
        const input = randomInput(shape, low, high, 1000 * caseIndex + batch);
        const want = runTfChain(models, input, shape);
        const got = await runOrt(session, input, shape);
        expect(got.dims).toEqual(want.dims);
        expect(maxAbsDiff(got.data, want.data)).toBeLessThanOrEqual(TOLERANCE);
      }
    });
  });
});

describe('exportToOnnx model interface', () => {
  it('declares input `input` [N, H, W, C], output `embedding` [N, D] and opset 17', () => {
    const model = seq([conv({ inputShape: [33, 47, 1], filters: 2, kernelSize: 3 }), tfl.layers.flatten(), tfl.layers.dense({ units: 3 })]);
    const decoded = onnx.ModelProto.decode(exportToOnnx(model));
    const graph = decoded.graph as OnnxTypes.GraphProto;
    const dims = (v: OnnxTypes.IValueInfoProto) =>
      v.type!.tensorType!.shape!.dim!.map((d) => (d.dimParam ? d.dimParam : int64ToNumber(d.dimValue as number)));
    expect(graph.input.map((v) => v.name)).toEqual(['input']);
    expect(dims(graph.input[0])).toEqual(['N', 33, 47, 1]);
    expect(graph.output.map((v) => v.name)).toEqual(['embedding']);
    expect(dims(graph.output[0])).toEqual(['N', 3]);
    expect(decoded.opsetImport.map((o) => [o.domain, int64ToNumber(o.version as number)])).toEqual([['', 17]]);
  });

  it('honours custom input/output names and a higher opset', async () => {
    const model = seq([tfl.layers.dense({ inputShape: [4], units: 3 }), new L2Normalize({})]);
    const session = await ort.InferenceSession.create(exportToOnnx(model, { inputName: 'features', outputName: 'vector', opset: 18 }));
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['vector']);
    const input = randomInput([2, 4], -1, 1, 5);
    expect(maxAbsDiff((await runOrt(session, input, [2, 4])).data, runTfChain([model], input, [2, 4]).data)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('names an unsupported layer and its type', () => {
    const model = seq([conv({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }), tfl.layers.upSampling2d({ name: 'upsample_here' }), tfl.layers.flatten()]);
    expect(() => exportToOnnx(model)).toThrow(/layer "upsample_here" of type UpSampling2D cannot be exported/);
  });

  it('rejects channelsFirst layers, opset below 17 and a head that does not fit the frozen trunk', () => {
    const cf = seq([tfl.layers.maxPooling2d({ inputShape: [2, 8, 8], poolSize: 2, dataFormat: 'channelsFirst', name: 'cf_pool' })]);
    expect(() => exportToOnnx(cf)).toThrow(/cf_pool.*channelsFirst/);
    const dense = seq([tfl.layers.dense({ inputShape: [4], units: 3 })]);
    expect(() => exportToOnnx(dense, { opset: 13 })).toThrow(/options\.opset/);
    const head = seq([tfl.layers.dense({ inputShape: [5], units: 2, name: 'head_dense' })]);
    expect(() => exportToOnnx({ frozen: dense, head })).toThrow(/expects input shape \[null, 5\] but receives \[null, 3\]/);
  });
});
