import type { ConversionContext, OnnxValue } from '../conversion-context';
import { layerConfig, type LayerConverter } from './layer-converter';

/**
 * Brings all inputs of a merge layer to one layout: channels-first when they all already are,
 * otherwise TF layout.
 */
function commonLayout(inputs: OnnxValue[], ctx: ConversionContext): OnnxValue[] {
  if (inputs.every((v) => v.layout === 'channelsFirst')) return inputs;
  return inputs.map((v) => ctx.toTfLayout(v));
}

/** Add / Multiply / Maximum / Minimum / Average → the variadic ONNX op of the same meaning. */
function convertElementwise(opType: 'Sum' | 'Mul' | 'Max' | 'Min' | 'Mean'): LayerConverter {
  return (layer, inputs, ctx, outputShape) => {
    if (inputs.length < 2) throw new Error(`layer "${layer.name}" (${layer.getClassName()}) needs at least 2 inputs`);
    const xs = commonLayout(inputs, ctx);
    if (opType === 'Mul') {
      let name = xs[0].name;
      for (const x of xs.slice(1)) name = ctx.graph.addNode('Mul', [name, x.name], ctx.nodeName(layer, 'Mul'));
      return { name, shape: outputShape, layout: xs[0].layout };
    }
    return { name: ctx.graph.addNode(opType, xs.map((x) => x.name), ctx.nodeName(layer, opType)), shape: outputShape, layout: xs[0].layout };
  };
}

/** Concatenate → ONNX Concat on the same axis, remapped when the inputs are channels-first. */
export const convertConcatenate: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const rank = inputs[0].shape.length;
  const configured = (layerConfig(layer).axis as number | undefined) ?? -1;
  const axis = configured < 0 ? configured + rank : configured;
  if (axis <= 0 || axis >= rank) throw new Error(`layer "${layer.name}" (Concatenate): axis ${configured} is not supported`);
  const xs = axis === rank - 1 ? commonLayout(inputs, ctx) : inputs.map((v) => ctx.toTfLayout(v));
  const onnxAxis = xs[0].layout === 'channelsFirst' ? 1 : axis;
  return { name: ctx.graph.addNode('Concat', xs.map((x) => x.name), ctx.nodeName(layer, 'Concat'), { axis: onnxAxis }), shape: outputShape, layout: xs[0].layout };
};

export const convertAdd = convertElementwise('Sum');
export const convertMultiply = convertElementwise('Mul');
export const convertMaximum = convertElementwise('Max');
export const convertMinimum = convertElementwise('Min');
export const convertAverage = convertElementwise('Mean');
