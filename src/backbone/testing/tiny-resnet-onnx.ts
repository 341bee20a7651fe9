import { floatValueInfo, OnnxGraphBuilder } from '../../onnx/graph-builder';
import { encodeModel } from '../../onnx/model-encoder';
import { seededRandom } from '../../onnx/testing/parity';

export interface TinyResNetOptions {
  height: number;
  width: number;
  channels?: number;
  /** Feature channels, i.e. the length of one feature row (default 8). */
  features?: number;
  /** `null` for a dynamic batch (default), or a fixed size such as 1. */
  batch?: number | null;
  inputName?: string;
  outputName?: string;
  opset?: number;
  seed?: number;
}

/**
 * Builds a small ResNet-shaped NCHW image backbone the way PyTorch exports one: stem conv
 * (stride 2) + BatchNorm + ReLU, one residual block (conv-BN-ReLU-conv-BN, Add, ReLU), global
 * average pool with a [N, C, 1, 1] output, and PyTorch-style names (`/layer1/conv1/Conv`,
 * `layer1.0.bn1.weight`).
 *
 * @example
 * const bytes = buildTinyResNetOnnx({ height: 32, width: 32 });
 */
export function buildTinyResNetOnnx(options: TinyResNetOptions): Uint8Array {
  const channels = options.channels ?? 3;
  const features = options.features ?? 8;
  const inputName = options.inputName ?? 'pixel_values';
  const outputName = options.outputName ?? 'pooled';
  const random = seededRandom(options.seed ?? 1);
  const g = new OnnxGraphBuilder();
  g.reserve(inputName);
  g.reserve(outputName);
  const weights = (name: string, dims: number[], scale: number, offset = 0) =>
    g.addFloatInitializer(name, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => offset + scale * (random() * 2 - 1)), dims);
  const convBn = (x: string, scope: string, inC: number, stride: number) => {
    const conv = g.addNode('Conv', [x, weights(`${scope}.conv.weight`, [features, inC, 3, 3], 0.4)], `/${scope}/conv/Conv`, {
      kernel_shape: [3, 3],
      strides: [stride, stride],
      pads: [1, 1, 1, 1],
    });
    return g.addNode(
      'BatchNormalization',
      [conv, weights(`${scope}.bn.weight`, [features], 0.2, 1), weights(`${scope}.bn.bias`, [features], 0.1), weights(`${scope}.bn.running_mean`, [features], 0.1), weights(`${scope}.bn.running_var`, [features], 0.2, 1)],
      `/${scope}/bn/BatchNormalization`,
      { epsilon: { float: 1e-5 } },
    );
  };
  const stem = g.addNode('Relu', [convBn(inputName, 'conv1', channels, 2)], '/relu/Relu');
  const inner = g.addNode('Relu', [convBn(stem, 'layer1.0.a', features, 1)], '/layer1/relu/Relu');
  const sum = g.addNode('Add', [stem, convBn(inner, 'layer1.0.b', features, 1)], '/layer1/Add');
  const block = g.addNode('Relu', [sum], '/layer1/relu_1/Relu');
  g.addNodeWithOutput('GlobalAveragePool', [block], outputName);
  const batch = options.batch === undefined || options.batch === null ? 'batch_size' : options.batch;
  return encodeModel({
    graph: g,
    graphName: 'tiny_resnet',
    inputs: [floatValueInfo(inputName, [batch, channels, options.height, options.width])],
    outputs: [floatValueInfo(outputName, [batch, features, 1, 1])],
    opset: options.opset ?? 17,
  });
}
