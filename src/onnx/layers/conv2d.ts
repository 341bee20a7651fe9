import type * as tfl from '@tensorflow/tfjs-layers';
import { permuteWeight, readLayerWeights, requireWeight, type ConversionContext, type OnnxValue } from '../conversion-context';
import { tfPadding } from '../tf-padding';
import { applyActivation } from './activation';
import { layerConfig, requireChannelsLast, single, type LayerConverter } from './layer-converter';

/**
 * Conv2D → ONNX Conv on the channels-first value. TF stores kernels as [kh, kw, in, out]; ONNX
 * wants [out, in, kh, kw].
 */
export const convertConv2D: LayerConverter = (layer, inputs, ctx, outputShape) => {
  requireChannelsLast(layer);
  const weights = readLayerWeights(layer);
  const kernel = permuteWeight(requireWeight(layer, weights, 'kernel'), [3, 2, 0, 1]);
  return emitConv(layer, single(layer, inputs), ctx, outputShape, kernel, weights.get('bias'), 1);
};

/**
 * DepthwiseConv2D → grouped ONNX Conv (one group per input channel). TF's [kh, kw, in, mult]
 * kernel yields output channel `c * mult + m`, which is ONNX's group order once reshaped to
 * [in * mult, 1, kh, kw].
 */
export const convertDepthwiseConv2D: LayerConverter = (layer, inputs, ctx, outputShape) => {
  requireChannelsLast(layer);
  const weights = readLayerWeights(layer);
  const depthwise = requireWeight(layer, weights, 'depthwise_kernel');
  const [kh, kw, channels, multiplier] = depthwise.shape;
  const permuted = permuteWeight(depthwise, [2, 3, 0, 1]);
  const kernel = { values: permuted.values, shape: [channels * multiplier, 1, kh, kw] };
  return emitConv(layer, single(layer, inputs), ctx, outputShape, kernel, weights.get('bias'), channels);
};

function emitConv(
  layer: tfl.layers.Layer,
  input: OnnxValue,
  ctx: ConversionContext,
  outputShape: (number | null)[],
  kernel: { values: Float32Array; shape: number[] },
  bias: { values: Float32Array; shape: number[] } | undefined,
  group: number,
): OnnxValue {
  const config = layerConfig(layer);
  const strides = config.strides as number[];
  const dilations = asPair(config.dilationRate as number | number[] | undefined);
  const kernelShape = kernel.shape.slice(2);
  const x = ctx.toChannelsFirst(input);
  const padding = tfPadding(String(config.padding), [x.shape[1], x.shape[2]], kernelShape, strides, dilations);
  const w = ctx.graph.addFloatInitializer(ctx.nodeName(layer, 'kernel'), kernel.values, kernel.shape);
  const convInputs = [x.name, w];
  if (config.useBias !== false && bias) convInputs.push(ctx.graph.addFloatInitializer(ctx.nodeName(layer, 'bias'), bias.values, bias.shape));
  const name = ctx.graph.addNode('Conv', convInputs, ctx.nodeName(layer, 'Conv'), {
    kernel_shape: kernelShape,
    strides,
    dilations,
    group,
    ...('pads' in padding ? { pads: padding.pads } : { auto_pad: padding.autoPad }),
  });
  const out: OnnxValue = { name, shape: outputShape, layout: 'channelsFirst' };
  return applyActivation(ctx, out, String(config.activation ?? 'linear'), ctx.layerScope(layer));
}

function asPair(value: number | number[] | undefined): number[] {
  if (value === undefined) return [1, 1];
  return typeof value === 'number' ? [value, value] : value.length === 1 ? [value[0], value[0]] : value;
}
