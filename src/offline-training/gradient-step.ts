import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';

export interface GradientStepOptions {
  /** Rescales the gradients when their global L2 norm exceeds this (absent: no clipping). */
  clipNorm?: number;
}

export interface GradientStepResult {
  /** The loss value (NaN or ±Infinity when the step was skipped for it). */
  loss: number;
  /** Global L2 norm of the gradients before clipping. */
  gradientNorm: number;
  /** True when the loss or a gradient was not finite, so no variable changed. */
  skipped: boolean;
}

/**
 * One optimisation step that refuses to apply non-finite updates: computes the loss and its
 * gradients, reads back the loss and the global gradient norm in a single transfer, and only
 * then hands the gradients to the optimizers. `optimizer.minimize` would apply NaNs blindly and
 * poison every weight at once. Each optimizer updates only the variables it is paired with, so
 * e.g. class proxies may learn faster than the network.
 *
 * @example
 * const r = finiteGradientStep(() => loss.compute(encoder.embedForTraining(x), labels), [[adam, encoder.trainableVariables()]]);
 * if (r.skipped) skipped++;
 */
export function finiteGradientStep(lossFn: () => tf.Scalar, groups: ReadonlyArray<readonly [tf.Optimizer, tf.Variable[]]>, options: GradientStepOptions = {}): GradientStepResult {
  const variables = groups.flatMap(([, vars]) => vars);
  return applyFiniteGradients(tf.variableGrads(lossFn, variables), groups, options);
}

/**
 * The second half of {@link finiteGradientStep}, for gradients computed elsewhere (e.g. on
 * several threads): applies `grads` unless the loss or a gradient is not finite, then disposes
 * `value` and `grads`.
 *
 * @example
 * const r = applyFiniteGradients(await replicas.variableGrads(x, lossOf), [[adam, encoder.trainableVariables()]]);
 */
export function applyFiniteGradients(
  { value, grads }: { value: tf.Scalar; grads: tf.NamedTensorMap },
  groups: ReadonlyArray<readonly [tf.Optimizer, tf.Variable[]]>,
  options: GradientStepOptions = {},
): GradientStepResult {
  try {
    const gradientList = Object.values(grads);
    const readings = tf.tidy(() => {
      const squares = gradientList.map((g) => tf.sum(tf.square(g)));
      const norm = squares.length ? tf.sqrt(tf.addN(squares)) : tf.scalar(0);
      return tf.stack([tf.reshape(value, []), norm]);
    });
    const [loss, gradientNorm] = readings.dataSync();
    readings.dispose();
    if (!Number.isFinite(loss) || !Number.isFinite(gradientNorm)) return { loss, gradientNorm, skipped: true };
    const scale = options.clipNorm !== undefined && gradientNorm > options.clipNorm ? options.clipNorm / gradientNorm : 1;
    for (const [optimizer, vars] of groups) {
      const mine: tf.NamedTensorMap = {};
      for (const v of vars) if (grads[v.name]) mine[v.name] = grads[v.name];
      if (Object.keys(mine).length === 0) continue;
      if (scale === 1) optimizer.applyGradients(mine);
      else {
        const scaled = tf.tidy(() => Object.fromEntries(Object.entries(mine).map(([k, g]) => [k, tf.mul(g, scale)])));
        optimizer.applyGradients(scaled);
        tf.dispose(Object.values(scaled));
      }
    }
    return { loss, gradientNorm, skipped: false };
  } finally {
    value.dispose();
    tf.dispose(Object.values(grads));
  }
}

/**
 * Sets the learning rate of a TF.js optimizer in place. SGD and momentum cache it in a tensor
 * and offer `setLearningRate`; Adam, RMSProp and the others read a plain field on every update
 * and have no setter.
 *
 * @example
 * setLearningRate(adam, 5e-4);
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}
