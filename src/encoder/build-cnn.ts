import * as tfl from '@tensorflow/tfjs-layers';
import { cnnFeatureCount, type CnnEncoderConfig } from './config';
import { InputNormalization } from './layers/input-normalization';
import { lazyInputGradient } from './layers/lazy-input-gradient';
import { buildProjectionHead } from './build-head';

/**
 * Builds the conv trunk of a CNN encoder: raw pixels → InputNormalization → [conv → BN → ReLU →
 * pool] blocks → global pooling (or flattening, which keeps where each feature was), whose
 * output is the feature vector the head projects.
 * Convolutions skip their bias when BatchNormalization follows, since BN's beta replaces it.
 *
 * @example
 * const trunk = buildCnnTrunk(thumbnailCnnConfig()); // [batch, 28, 28, 1] → [batch, 64]
 */
export function buildCnnTrunk(config: CnnEncoderConfig): tfl.Sequential {
  const { height, width, channels } = config.input;
  const layers: tfl.layers.Layer[] = [
    new InputNormalization({ mean: config.normalization.mean, std: config.normalization.std, inputShape: [height, width, channels], name: 'input_normalization' }),
  ];
  config.blocks.forEach((block, i) => {
    const prefix = `block${i + 1}`;
    const conv = tfl.layers.conv2d({
      filters: block.filters,
      kernelSize: block.kernelSize,
      strides: block.stride,
      padding: 'same',
      useBias: !config.batchNorm,
      kernelInitializer: 'heNormal',
      name: `${prefix}_conv`,
    });
    // The first convolution's input is data: training never needs its gradient.
    layers.push(i === 0 ? lazyInputGradient(conv) : conv);
    if (config.batchNorm) layers.push(tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3, name: `${prefix}_bn` }));
    layers.push(tfl.layers.reLU({ name: `${prefix}_relu` }));
    if (block.pool === 'max') layers.push(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `${prefix}_maxpool` }));
    if (block.pool === 'avg') layers.push(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'valid', name: `${prefix}_avgpool` }));
  });
  layers.push(trunkOutputLayer(config.globalPool));
  return tfl.sequential({ layers, name: 'feature_extractor' });
}

/**
 * Builds both parts of a CNN encoder.
 *
 * @example
 * const { featureExtractor, head } = buildCnnEncoderModels(photoCnnConfig(128));
 */
export function buildCnnEncoderModels(config: CnnEncoderConfig): { featureExtractor: tfl.Sequential; head: tfl.Sequential } {
  const featureExtractor = buildCnnTrunk(config);
  const features = cnnFeatureCount(config);
  const head = buildProjectionHead({ features, hidden: config.head.hidden, dim: config.head.dim, batchNorm: false, dropout: config.dropout });
  return { featureExtractor, head };
}

function trunkOutputLayer(globalPool: CnnEncoderConfig['globalPool']): tfl.layers.Layer {
  if (globalPool === 'flatten') return tfl.layers.flatten({ name: 'flatten' });
  if (globalPool === 'max') return tfl.layers.globalMaxPooling2d({ name: 'global_max_pool' });
  return tfl.layers.globalAveragePooling2d({ name: 'global_avg_pool' });
}
