import { layerConfig, single, type LayerConverter } from './layer-converter';

/**
 * InputNormalization → `(x - mean) / std` per channel, with Sub then Div as the layer computes
 * it. On a channels-first value the statistics are shaped [C, 1, 1] to broadcast over H and W.
 */
export const convertInputNormalization: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const config = layerConfig(layer);
  const mean = config.mean as number[];
  const std = config.std as number[];
  const x = single(layer, inputs);
  const dims = x.layout === 'channelsFirst' ? [mean.length, 1, 1] : [mean.length];
  const g = ctx.graph;
  const centered = g.addNode('Sub', [x.name, g.addFloatInitializer(ctx.nodeName(layer, 'mean'), mean, dims)], ctx.nodeName(layer, 'Sub'));
  const name = g.addNode('Div', [centered, g.addFloatInitializer(ctx.nodeName(layer, 'std'), std, dims)], ctx.nodeName(layer, 'Div'));
  return { name, shape: outputShape, layout: x.layout };
};

/** L2Normalize → `x / sqrt(max(sum(x², channel axis), epsilon))`, the layer's exact formula. */
export const convertL2Normalize: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const epsilon = (layerConfig(layer).epsilon as number | undefined) ?? 1e-12;
  const x = single(layer, inputs);
  const g = ctx.graph;
  const squared = g.addNode('Mul', [x.name, x.name], ctx.nodeName(layer, 'Square'));
  const axes = g.addInt64Initializer(ctx.nodeName(layer, 'axes'), [ctx.channelAxis(x)]);
  const sum = g.addNode('ReduceSum', [squared, axes], ctx.nodeName(layer, 'ReduceSum'), { keepdims: 1 });
  const floored = g.addNode('Max', [sum, g.addFloatInitializer(ctx.nodeName(layer, 'epsilon'), [epsilon], [])], ctx.nodeName(layer, 'Max'));
  const norm = g.addNode('Sqrt', [floored], ctx.nodeName(layer, 'Sqrt'));
  return { name: g.addNode('Div', [x.name, norm], ctx.nodeName(layer, 'Div')), shape: outputShape, layout: x.layout };
};
