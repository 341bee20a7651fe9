import { tfPadding } from '../tf-padding';
import { layerConfig, requireChannelsLast, single, type LayerConverter } from './layer-converter';

/** MaxPooling2D / AveragePooling2D → ONNX MaxPool / AveragePool with TF's padding. */
function convertPool2D(opType: 'MaxPool' | 'AveragePool'): LayerConverter {
  return (layer, inputs, ctx, outputShape) => {
    requireChannelsLast(layer);
    const config = layerConfig(layer);
    const kernelShape = config.poolSize as number[];
    const strides = (config.strides as number[] | null) ?? kernelShape;
    const x = ctx.toChannelsFirst(single(layer, inputs));
    const padding = tfPadding(String(config.padding), [x.shape[1], x.shape[2]], kernelShape, strides);
    const name = ctx.graph.addNode(opType, [x.name], ctx.nodeName(layer, opType), {
      kernel_shape: kernelShape,
      strides,
      ...('pads' in padding ? { pads: padding.pads } : { auto_pad: padding.autoPad }),
      // TF averages only over real pixels when a 'same' window hangs over the border.
      ...(opType === 'AveragePool' ? { count_include_pad: 0 } : {}),
    });
    return { name, shape: outputShape, layout: 'channelsFirst' };
  };
}

/** Global pooling → ONNX GlobalAveragePool / GlobalMaxPool, flattened from [N, C, 1, 1] to [N, C]. */
function convertGlobalPool2D(opType: 'GlobalAveragePool' | 'GlobalMaxPool'): LayerConverter {
  return (layer, inputs, ctx, outputShape) => {
    requireChannelsLast(layer);
    const x = ctx.toChannelsFirst(single(layer, inputs));
    const pooled = ctx.graph.addNode(opType, [x.name], ctx.nodeName(layer, opType));
    const name = ctx.graph.addNode('Flatten', [pooled], ctx.nodeName(layer, 'Flatten'), { axis: 1 });
    return { name, shape: outputShape, layout: 'tf' };
  };
}

export const convertMaxPooling2D = convertPool2D('MaxPool');
export const convertAveragePooling2D = convertPool2D('AveragePool');
export const convertGlobalAveragePooling2D = convertGlobalPool2D('GlobalAveragePool');
export const convertGlobalMaxPooling2D = convertGlobalPool2D('GlobalMaxPool');
