import * as tfl from '@tensorflow/tfjs-layers';
import type { MlpEncoderConfig } from './config';
import { InputNormalization } from './layers/input-normalization';
import { buildProjectionHead } from './build-head';

/**
 * Builds both parts of an MLP encoder over feature vectors. The feature extractor holds no
 * weights: it standardises the features when `normalization` is set and passes them through
 * (a linear activation layer) otherwise, so both encoder kinds expose the same two models.
 *
 * @example
 * const { featureExtractor, head } = buildMlpEncoderModels(featureMlpConfig(512));
 */
export function buildMlpEncoderModels(config: MlpEncoderConfig): { featureExtractor: tfl.Sequential; head: tfl.Sequential } {
  const features = config.input.features;
  const inputLayer = config.normalization
    ? new InputNormalization({ mean: config.normalization.mean, std: config.normalization.std, inputShape: [features], name: 'input_normalization' })
    : tfl.layers.activation({ activation: 'linear', inputShape: [features], name: 'input_identity' });
  const featureExtractor = tfl.sequential({ layers: [inputLayer], name: 'feature_extractor' });
  const head = buildProjectionHead({ features, hidden: config.hidden, dim: config.dim, batchNorm: config.batchNorm, dropout: config.dropout });
  return { featureExtractor, head };
}
