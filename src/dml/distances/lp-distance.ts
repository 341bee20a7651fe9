import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize, type Distance } from './distance';

export interface LpDistanceOptions {
  /** Return squared Euclidean distances (no square root). Default false. */
  squared?: boolean;
  /** Scale rows to unit length first, so distances lie in [0, 2]. Default true. */
  normalizeEmbeddings?: boolean;
  /**
   * Floor on the squared distance before the square root. The root's derivative is infinite at
   * 0 (identical rows, e.g. an item sampled twice), so values below the floor get zero gradient.
   * Default 1e-12.
   */
  epsilon?: number;
}

/**
 * Euclidean (L2) distance, computed as `|q|² + |r|² - 2 q·rᵀ` with one matrix product, so a
 * 256×256 matrix costs one GEMM instead of a 256×256×d difference tensor. Rounding can push
 * the expansion slightly below zero; it is clamped before the square root. Rounding also
 * limits resolution near 0: distances below ~1e-3 between distinct rows are noise.
 *
 * Defaults follow pytorch-metric-learning's `LpDistance` (p = 2, normalised, not squared).
 *
 * @example
 * const d = new LpDistance();                       // Euclidean on unit vectors
 * const d2 = new LpDistance({ squared: true });     // squared, for ProxyNCA
 * const mat = d.matrix(a, b);                       // [a.rows, b.rows]
 */
export class LpDistance implements Distance {
  readonly name: string;
  readonly isSimilarity = false;
  readonly normalizeEmbeddings: boolean;
  readonly squared: boolean;
  readonly epsilon: number;

  constructor(options: LpDistanceOptions = {}) {
    this.squared = options.squared ?? false;
    this.normalizeEmbeddings = options.normalizeEmbeddings ?? true;
    this.epsilon = options.epsilon ?? 1e-12;
    if (!(this.epsilon > 0)) throw new Error(`LpDistance: epsilon must be positive, got ${options.epsilon}`);
    this.name = this.squared ? 'squared-euclidean' : 'euclidean';
  }

  matrix(query: tf.Tensor2D, ref: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const q = this.normalizeEmbeddings ? l2Normalize(query) : query;
      const r = ref === query ? q : this.normalizeEmbeddings ? l2Normalize(ref) : ref;
      const qq = tf.sum(tf.square(q), 1, true);
      const rr = ref === query ? tf.transpose(qq) : tf.transpose(tf.sum(tf.square(r), 1, true));
      const cross = tf.matMul(q, r, false, true);
      let squaredDistance = tf.relu(tf.sub(tf.add(qq, rr), tf.mul(cross, 2)));
      // The expansion leaves float32 rounding (~1e-7) where the true value is 0; a row's distance to itself is exactly 0.
      if (ref === query) squaredDistance = tf.mul(squaredDistance, tf.sub(1, tf.eye(query.shape[0])));
      if (this.squared) return squaredDistance as tf.Tensor2D;
      return tf.sqrt(tf.maximum(squaredDistance, this.epsilon)) as tf.Tensor2D;
    });
  }
}
