import { readLayerWeights, requireWeight } from '../conversion-context';
import { layerConfig, single, type LayerConverter } from './layer-converter';

/**
 * BatchNormalization (inference) → ONNX BatchNormalization with the moving statistics. ONNX
 * normalises axis 1, so image tensors go channels-first; a disabled `scale`/`center` becomes
 * ones/zeros, which is what TF.js applies.
 */
export const convertBatchNormalization: LayerConverter = (layer, inputs, ctx, outputShape) => {
  const config = layerConfig(layer);
  const input = single(layer, inputs);
  const rank = input.shape.length;
  const axis = (config.axis as number | undefined) ?? -1;
  if (axis !== -1 && axis !== rank - 1) {
    throw new Error(`layer "${layer.name}" (BatchNormalization): only the last (channel) axis is supported, got axis ${axis}`);
  }
  if (rank !== 2 && rank !== 4) throw new Error(`layer "${layer.name}" (BatchNormalization): inputs of rank ${rank} are not supported (rank 2 or 4)`);
  const weights = readLayerWeights(layer);
  const mean = requireWeight(layer, weights, 'moving_mean');
  const variance = requireWeight(layer, weights, 'moving_variance');
  const channels = mean.values.length;
  const gamma = config.scale !== false ? requireWeight(layer, weights, 'gamma').values : new Float32Array(channels).fill(1);
  const beta = config.center !== false ? requireWeight(layer, weights, 'beta').values : new Float32Array(channels);
  const x = rank === 4 ? ctx.toChannelsFirst(input) : ctx.toTfLayout(input);
  const g = ctx.graph;
  const name = g.addNode(
    'BatchNormalization',
    [
      x.name,
      g.addFloatInitializer(ctx.nodeName(layer, 'gamma'), gamma, [channels]),
      g.addFloatInitializer(ctx.nodeName(layer, 'beta'), beta, [channels]),
      g.addFloatInitializer(ctx.nodeName(layer, 'moving_mean'), mean.values, [channels]),
      g.addFloatInitializer(ctx.nodeName(layer, 'moving_variance'), variance.values, [channels]),
    ],
    ctx.nodeName(layer, 'BatchNormalization'),
    { epsilon: { float: (config.epsilon as number | undefined) ?? 1e-3 } },
  );
  return { name, shape: outputShape, layout: x.layout };
};
