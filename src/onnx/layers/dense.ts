import { readLayerWeights, requireWeight, type OnnxValue } from '../conversion-context';
import { applyActivation } from './activation';
import { layerConfig, single, type LayerConverter } from './layer-converter';

/**
 * Dense → ONNX Gemm for [N, F] inputs (TF's [in, out] kernel is Gemm's B as is); higher-rank
 * inputs use MatMul + Add over the last axis, as TF.js does.
 */
export const convertDense: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const config = layerConfig(layer);
  const weights = readLayerWeights(layer);
  const kernel = requireWeight(layer, weights, 'kernel');
  const bias = config.useBias !== false ? weights.get('bias') : undefined;
  const x = ctx.toTfLayout(single(layer, inputs));
  const w = ctx.graph.addFloatInitializer(ctx.nodeName(layer, 'kernel'), kernel.values, kernel.shape);
  const b = bias ? ctx.graph.addFloatInitializer(ctx.nodeName(layer, 'bias'), bias.values, bias.shape) : undefined;
  let name: string;
  if (x.shape.length === 2) {
    name = ctx.graph.addNode('Gemm', b ? [x.name, w, b] : [x.name, w], ctx.nodeName(layer, 'Gemm'));
  } else {
    name = ctx.graph.addNode('MatMul', [x.name, w], ctx.nodeName(layer, 'MatMul'));
    if (b) name = ctx.graph.addNode('Add', [name, b], ctx.nodeName(layer, 'Add'));
  }
  const out: OnnxValue = { name, shape: outputShape, layout: 'tf' };
  return applyActivation(ctx, out, String(config.activation ?? 'linear'), ctx.layerScope(layer));
};
