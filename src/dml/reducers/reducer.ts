import type * as tf from '@tensorflow/tfjs-core';

/**
 * Turns per-element losses (one per pair, triplet or anchor) into the scalar that is
 * minimised. Kept apart from the losses so "average over all" vs. "average over the ones
 * still violating the margin" is one constructor argument.
 *
 * @example
 * const loss = new TripletMarginLoss({ reducer: new MeanReducer() });
 */
export interface Reducer {
  readonly name: string;
  /** Reduces a 1-D tensor of losses; an empty tensor reduces to 0. */
  reduce(losses: tf.Tensor1D): tf.Scalar;
}
