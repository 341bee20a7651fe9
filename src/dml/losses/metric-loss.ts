import * as tf from '@tensorflow/tfjs-core';
import '../gradients';
import type { IndicesTuple } from '../indices';

/**
 * The contract every metric-learning loss shares.
 *
 * `compute` is differentiable with respect to `embeddings` and is meant to run inside
 * `optimizer.minimize(() => loss.compute(model.apply(x), labels))`. When the batch holds no
 * usable pair or triplet it returns 0, still connected to `embeddings` (TF.js refuses to
 * differentiate a loss that does not depend on any variable).
 *
 * @example
 * const loss: MetricLoss = new TripletMarginLoss({ margin: 0.1 });
 * optimizer.minimize(() => loss.compute(model.apply(x) as tf.Tensor2D, labels, miner.mine(e, labels)));
 */
export interface MetricLoss {
  readonly name: string;
  /**
   * @param embeddings `[n, d]` batch of embeddings.
   * @param labels `n` class labels.
   * @param indices mined pairs or triplets; when absent the loss uses every valid one.
   */
  compute(embeddings: tf.Tensor2D, labels: Int32Array, indices?: IndicesTuple): tf.Scalar;
  /** Variables the loss owns (e.g. proxies) that must be optimised with the model. */
  trainableVariables(): tf.Variable[];
}

/**
 * Throws a clear error when `embeddings` and `labels` do not describe the same batch.
 *
 * @example
 * checkBatch('ContrastiveLoss', embeddings, labels);
 */
export function checkBatch(owner: string, embeddings: tf.Tensor, labels: Int32Array): void {
  if (embeddings.rank !== 2) throw new Error(`${owner}: embeddings must be 2-D [batch, dim], got shape [${embeddings.shape}]`);
  if (!(labels instanceof Int32Array)) throw new Error(`${owner}: labels must be an Int32Array`);
  if (labels.length !== embeddings.shape[0]) {
    throw new Error(`${owner}: labels has ${labels.length} entries but embeddings has ${embeddings.shape[0]} rows`);
  }
}

/**
 * A zero that still depends on `embeddings`, so gradients exist (and are zero).
 *
 * @example
 * if (pairs.length === 0) return zeroLoss(embeddings);
 */
export function zeroLoss(embeddings: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(embeddings, 0)));
}
