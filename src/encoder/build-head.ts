import * as tfl from '@tensorflow/tfjs-layers';
import { L2Normalize } from './layers/l2-normalize';

export interface ProjectionHeadOptions {
  /** Length of the incoming feature vectors. */
  features: number;
  /** Units of each hidden ReLU layer. */
  hidden: number[];
  /** Embedding dimension. */
  dim: number;
  /** BatchNormalization between each hidden dense layer and its ReLU. */
  batchNorm: boolean;
  /** Dropout rate after each hidden layer (0 disables it). */
  dropout: number;
}

/**
 * Builds a projection head: [dense → (BN) → ReLU → (dropout)]* → dense → L2Normalize, mapping
 * feature vectors to unit-length embeddings.
 *
 * @example
 * const head = buildProjectionHead({ features: 512, hidden: [256], dim: 128, batchNorm: false, dropout: 0 });
 */
export function buildProjectionHead(options: ProjectionHeadOptions): tfl.Sequential {
  const layers: tfl.layers.Layer[] = [];
  options.hidden.forEach((units, i) => {
    const prefix = `head_hidden${i + 1}`;
    layers.push(
      tfl.layers.dense({
        units,
        useBias: !options.batchNorm,
        kernelInitializer: 'heNormal',
        name: `${prefix}_dense`,
        ...(i === 0 ? { inputShape: [options.features] } : {}),
      }),
    );
    if (options.batchNorm) layers.push(tfl.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-3, name: `${prefix}_bn` }));
    layers.push(tfl.layers.reLU({ name: `${prefix}_relu` }));
    if (options.dropout > 0) layers.push(tfl.layers.dropout({ rate: options.dropout, name: `${prefix}_dropout` }));
  });
  layers.push(
    tfl.layers.dense({
      units: options.dim,
      kernelInitializer: 'glorotUniform',
      name: 'head_projection',
      ...(options.hidden.length === 0 ? { inputShape: [options.features] } : {}),
    }),
  );
  layers.push(new L2Normalize({ name: 'l2_normalize' }));
  return tfl.sequential({ layers, name: 'head' });
}
