import * as tf from '@tensorflow/tfjs-core';
import type { Distance } from '../distances/distance';
import type { IndicesTuple } from '../indices';

/**
 * Picks informative pairs or triplets from a batch. Mining is not differentiated: it reads the
 * distance matrix back from the backend once and decides in plain loops, which for a batch of
 * a few hundred costs far less than the loss's backward pass.
 *
 * @example
 * const indices = new BatchHardMiner().mine(embeddings, labels);
 * const value = loss.compute(embeddings, labels, indices);
 */
export interface Miner {
  readonly name: string;
  mine(embeddings: tf.Tensor2D, labels: Int32Array): IndicesTuple;
}

/**
 * The batch's `[n, n]` distance matrix as a flat row-major array.
 *
 * @example
 * const mat = downloadDistances(new LpDistance(), embeddings); // mat[i * n + j]
 */
export function downloadDistances(distance: Distance, embeddings: tf.Tensor2D): Float32Array {
  const mat = tf.tidy(() => distance.matrix(embeddings, embeddings));
  try {
    return mat.dataSync() as Float32Array;
  } finally {
    mat.dispose();
  }
}

/**
 * Throws a clear error when `embeddings` and `labels` do not describe the same batch.
 *
 * @example
 * checkMinerInput('BatchHardMiner', embeddings, labels);
 */
export function checkMinerInput(owner: string, embeddings: tf.Tensor, labels: Int32Array): void {
  if (embeddings.rank !== 2) throw new Error(`${owner}: embeddings must be 2-D [batch, dim], got shape [${embeddings.shape}]`);
  if (!(labels instanceof Int32Array)) throw new Error(`${owner}: labels must be an Int32Array`);
  if (labels.length !== embeddings.shape[0]) {
    throw new Error(`${owner}: labels has ${labels.length} entries but embeddings has ${embeddings.shape[0]} rows`);
  }
}
