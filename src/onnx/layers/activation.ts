import type * as tfl from '@tensorflow/tfjs-layers';
import type { ConversionContext, OnnxValue } from '../conversion-context';
import { layerConfig, single, type LayerConverter } from './layer-converter';

/**
 * Appends TF.js's activation `name` to `value`, following the formulas in tfjs-layers'
 * `activations.ts` (e.g. `hardSigmoid` is `clip(0.2x + 0.5, 0, 1)`, `relu6` is `min(relu(x), 6)`).
 *
 * @example
 * const y = applyActivation(ctx, dense, 'relu', 'encoder/dense_1');
 */
export function applyActivation(ctx: ConversionContext, value: OnnxValue, activation: string, baseName: string): OnnxValue {
  const g = ctx.graph;
  const unary = (op: string, attributes = {}): OnnxValue => ({ ...value, name: g.addNode(op, [value.name], `${baseName}/${op}`, attributes) });
  const constant = (v: number): string => g.addFloatInitializer(`${baseName}/const`, [v], []);
  switch (activation) {
    case 'linear':
      return value;
    case 'relu':
      return unary('Relu');
    case 'relu6':
      return { ...value, name: g.addNode('Clip', [value.name, constant(0), constant(6)], `${baseName}/Clip`) };
    case 'sigmoid':
      return unary('Sigmoid');
    case 'tanh':
      return unary('Tanh');
    case 'elu':
      return unary('Elu', { alpha: { float: 1 } });
    case 'selu':
      return unary('Selu');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'hardSigmoid':
      return unary('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'softmax':
      return unary('Softmax', { axis: ctx.channelAxis(value) });
    case 'swish': {
      const s = g.addNode('Sigmoid', [value.name], `${baseName}/Sigmoid`);
      return { ...value, name: g.addNode('Mul', [s, value.name], `${baseName}/Mul`) };
    }
    case 'mish': {
      const sp = g.addNode('Softplus', [value.name], `${baseName}/Softplus`);
      const th = g.addNode('Tanh', [sp], `${baseName}/Tanh`);
      return { ...value, name: g.addNode('Mul', [value.name, th], `${baseName}/Mul`) };
    }
    case 'gelu': {
      const scaled = g.addNode('Div', [value.name, constant(Math.SQRT2)], `${baseName}/Div`);
      const erf = g.addNode('Erf', [scaled], `${baseName}/Erf`);
      const cdf = g.addNode('Mul', [constant(0.5), g.addNode('Add', [constant(1), erf], `${baseName}/Add`)], `${baseName}/Mul`);
      return { ...value, name: g.addNode('Mul', [value.name, cdf], `${baseName}/Mul`) };
    }
    default:
      throw new Error(`activation "${activation}" is not supported by the ONNX exporter`);
  }
}

export const convertActivation: LayerConverter = (layer, inputs, ctx) =>
  applyActivation(ctx, single(layer, inputs), String(layerConfig(layer).activation), ctx.layerScope(layer));

export const convertReLU: LayerConverter = (layer, inputs, ctx) => {
  const x = single(layer, inputs);
  const maxValue = layerConfig(layer).maxValue as number | null | undefined;
  const relu: OnnxValue = { ...x, name: ctx.graph.addNode('Relu', [x.name], ctx.nodeName(layer, 'Relu')) };
  if (maxValue === null || maxValue === undefined) return relu;
  const max = ctx.graph.addFloatInitializer(ctx.nodeName(layer, 'max_value'), [maxValue], []);
  return { ...x, name: ctx.graph.addNode('Min', [relu.name, max], ctx.nodeName(layer, 'Min')) };
};

export const convertLeakyReLU: LayerConverter = (layer, inputs, ctx) => {
  const x = single(layer, inputs);
  const alpha = (layerConfig(layer).alpha as number | undefined) ?? 0.3;
  return { ...x, name: ctx.graph.addNode('LeakyRelu', [x.name], ctx.nodeName(layer, 'LeakyRelu'), { alpha: { float: alpha } }) };
};

export const convertELU: LayerConverter = (layer, inputs, ctx) => {
  const x = single(layer, inputs);
  const alpha = (layerConfig(layer).alpha as number | undefined) ?? 1;
  return { ...x, name: ctx.graph.addNode('Elu', [x.name], ctx.nodeName(layer, 'Elu'), { alpha: { float: alpha } }) };
};

/** Softmax layer → ONNX Softmax on the same axis; note TF.js's layer defaults to axis 1, not -1. */
export const convertSoftmax: LayerConverter = (layer: tfl.layers.Layer, inputs, ctx) => {
  const x = single(layer, inputs);
  const configured = layerConfig(layer).axis as number | number[] | undefined;
  const axis = Array.isArray(configured) ? configured : [configured ?? 1];
  if (axis.length !== 1) throw new Error(`layer "${layer.name}" (Softmax): softmax over several axes [${axis.join(', ')}] is not supported`);
  return { ...x, name: ctx.graph.addNode('Softmax', [x.name], ctx.nodeName(layer, 'Softmax'), { axis: ctx.onnxAxis(x, axis[0]) }) };
};
