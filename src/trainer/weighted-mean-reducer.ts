import * as tf from '@tensorflow/tfjs-core';
import type { Reducer } from '../dml/reducers/reducer';

/**
 * Weighted mean `Σ wᵢ·lᵢ / Σ wᵢ` of per-element losses, so a feedback event's `weight` scales
 * its pull on the encoder relative to the others in the batch. An empty input reduces to 0.
 *
 * @example
 * const loss = new TripletMarginLoss({ reducer: new WeightedMeanReducer(Float32Array.from([1, 3])) });
 */
export class WeightedMeanReducer implements Reducer {
  readonly name = 'weighted-mean';

  constructor(private readonly weights: Float32Array) {
    for (let i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0 && Number.isFinite(weights[i]))) throw new Error(`weights[${i}]: expected a finite non-negative number, got ${weights[i]}`);
    }
  }

  reduce(losses: tf.Tensor1D): tf.Scalar {
    if (losses.size === 0) return tf.scalar(0);
    if (losses.size !== this.weights.length) {
      throw new Error(`WeightedMeanReducer: ${losses.size} losses but ${this.weights.length} weights`);
    }
    const total = this.weights.reduce((a, b) => a + b, 0);
    if (total === 0) return tf.tidy(() => tf.mul(tf.sum(losses), 0));
    return tf.tidy(() => tf.div(tf.sum(tf.mul(losses, tf.tensor1d(this.weights))), total));
  }
}
