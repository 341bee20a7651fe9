import * as tf from '@tensorflow/tfjs-core';
import '../gradients';
import type { Reducer } from './reducer';

/**
 * Plain mean over all elements; 0 when there are none.
 *
 * @example
 * new MeanReducer().reduce(tf.tensor1d([0, 2])); // 1
 */
export class MeanReducer implements Reducer {
  readonly name = 'mean';

  reduce(losses: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => (losses.size === 0 ? tf.scalar(0) : tf.mean(losses)));
  }
}
