import { layerConfig, single, type LayerConverter } from './layer-converter';

/**
 * Flatten → ONNX Flatten(axis 1) on the TF-layout value, so elements come out in TF's
 * row-major NHWC order.
 */
export const convertFlatten: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const x = ctx.toTfLayout(single(layer, inputs));
  return { name: ctx.graph.addNode('Flatten', [x.name], ctx.nodeName(layer, 'Flatten'), { axis: 1 }), shape: outputShape, layout: 'tf' };
};

/** Reshape → ONNX Reshape to `[batch, ...targetShape]`; `0` copies the batch size through. */
export const convertReshape: LayerConverter = (layer, inputs, ctx, outputShape) => {
  // A -1 in targetShape is serialised as null in the layer config.
  const target = (layerConfig(layer).targetShape as (number | null)[]).map((d) => d ?? -1);
  if (target.some((d) => d === 0)) throw new Error(`layer "${layer.name}" (Reshape): targetShape may not contain 0`);
  const x = ctx.toTfLayout(single(layer, inputs));
  const shape = ctx.graph.addInt64Initializer(ctx.nodeName(layer, 'shape'), [0, ...target]);
  return { name: ctx.graph.addNode('Reshape', [x.name, shape], ctx.nodeName(layer, 'Reshape')), shape: outputShape, layout: 'tf' };
};

/** Dropout and noise layers do nothing at inference. */
export const convertIdentity: LayerConverter = (layer, inputs) => single(layer, inputs);
