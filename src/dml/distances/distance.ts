import * as tf from '@tensorflow/tfjs-core';
import '../gradients';

/**
 * A pairwise comparison between embeddings. Losses and miners take one as an argument, so
 * Euclidean vs. cosine is a constructor choice rather than a second implementation.
 *
 * `isSimilarity` tells which way is "closer": similarities grow as points get closer,
 * distances shrink. The helpers below hide that difference.
 *
 * @example
 * const d: Distance = new CosineSimilarity();
 * const mat = d.matrix(embeddings, embeddings); // [n, n]
 */
export interface Distance {
  readonly name: string;
  /** True when a higher value means closer (similarities); false for distances. */
  readonly isSimilarity: boolean;
  /** Whether rows are scaled to unit length before comparison. */
  readonly normalizeEmbeddings: boolean;
  /** `[query.rows, ref.rows]` matrix of pairwise values; differentiable in both inputs. */
  matrix(query: tf.Tensor2D, ref: tf.Tensor2D): tf.Tensor2D;
}

/**
 * How much farther `x` is than `y`, in the distance's own units: `x - y` for distances,
 * `y - x` for similarities. Positive means `x` is the less close of the two.
 *
 * @example
 * // triplet violation: anchor-positive farther than anchor-negative, plus margin
 * const violation = tf.add(excessDistance(d, ap, an), margin);
 */
export function excessDistance(distance: Distance, x: tf.Tensor | number, y: tf.Tensor | number): tf.Tensor {
  return distance.isSimilarity ? tf.sub(y, x) : tf.sub(x, y);
}

/**
 * Values re-oriented so that higher always means closer (a distance is negated).
 *
 * @example
 * const logits = tf.mul(closeness(d, d.matrix(q, r)), scale);
 */
export function closeness<T extends tf.Tensor>(distance: Distance, values: T): T {
  return distance.isSimilarity ? values : tf.neg(values);
}

/** {@link closeness} for one plain number (miners work on downloaded matrices). */
export function closenessOf(distance: Distance, value: number): number {
  return distance.isSimilarity ? value : -value;
}

/**
 * Rows scaled to unit Euclidean length. The squared norm is floored so a zero row maps to
 * zero instead of NaN, in the value and in the gradient.
 *
 * @example
 * const unit = l2Normalize(tf.tensor2d([[3, 4]])); // [[0.6, 0.8]]
 */
export function l2Normalize(x: tf.Tensor2D, epsilon = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), epsilon))));
}
