import * as tf from '@tensorflow/tfjs-core';

/**
 * NT-Xent instance discrimination (Chen et al. 2020, SimCLR): rows `i` and `i + n` of `z` are two
 * augmented views of one image; each row must pick its twin out of the other `2n − 1` rows by
 * cosine similarity divided by `temperature`. Labels play no part, so the features it rewards
 * describe the images themselves and carry over to classes never trained on.
 *
 * @example
 * const term = instanceContrastLoss(encoder.embedForTraining(twoViews), 0.1); // twoViews: [2n, ...]
 */
export function instanceContrastLoss(z: tf.Tensor2D, temperature: number): tf.Scalar {
  if (!(temperature > 0)) throw new Error(`instance contrast temperature must be > 0, got ${temperature}`);
  const rows = z.shape[0];
  if (rows % 2 !== 0 || rows < 4) throw new Error(`instance contrast needs two views of at least 2 items (an even row count ≥ 4), got ${rows} rows`);
  const n = rows / 2;
  return tf.tidy(() => {
    const unit = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12));
    const logits = tf.div(tf.matMul(unit, unit, false, true), temperature);
    // Self-similarity would be the easiest "match"; push it far below every real candidate.
    const masked = tf.sub(logits, tf.mul(tf.eye(rows), 1e9));
    const twin = tf.concat([tf.range(n, rows, 1, 'int32'), tf.range(0, n, 1, 'int32')]);
    const positive = tf.sum(tf.mul(masked, tf.oneHot(twin, rows)), 1);
    return tf.mean(tf.sub(tf.logSumExp(masked, 1), positive)) as tf.Scalar;
  });
}
