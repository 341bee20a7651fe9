import * as tf from '@tensorflow/tfjs-core';
import '../gradients';
import type { Reducer } from './reducer';

/**
 * Sum over all elements; 0 when there are none.
 *
 * @example
 * new SumReducer().reduce(tf.tensor1d([1, 2])); // 3
 */
export class SumReducer implements Reducer {
  readonly name = 'sum';

  reduce(losses: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => (losses.size === 0 ? tf.scalar(0) : tf.sum(losses)));
  }
}
