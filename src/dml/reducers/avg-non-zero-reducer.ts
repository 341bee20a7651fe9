import * as tf from '@tensorflow/tfjs-core';
import '../gradients';
import type { Reducer } from './reducer';

/**
 * Mean over the elements with a positive loss; 0 when none is positive. Margin losses use it
 * so that, late in training, the few triplets still violating the margin are not drowned by
 * the many already satisfied ones.
 *
 * @example
 * new AvgNonZeroReducer().reduce(tf.tensor1d([0, 0, 3, 1])); // 2
 */
export class AvgNonZeroReducer implements Reducer {
  readonly name = 'avg-non-zero';

  reduce(losses: tf.Tensor1D): tf.Scalar {
    return tf.tidy(() => {
      if (losses.size === 0) return tf.scalar(0);
      // step() rather than greater(): comparisons have no registered gradient and this count sits on the backward path.
      const count = tf.sum(tf.step(losses));
      return tf.div(tf.sum(losses), tf.maximum(count, 1));
    });
  }
}
