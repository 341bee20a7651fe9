import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoder/encoder';

/**
 * A copy of an encoder's weights (BatchNorm statistics included) taken when it scored best on
 * the holdout, to be put back when training stops improving: what is published then is the
 * best model seen, not the last one.
 *
 * @example
 * const best = new BestWeights();
 * best.keep(encoder, 1200);
 * // … more steps that only overfit …
 * best.restore(encoder); // the weights of step 1200 again
 */
export class BestWeights {
  private saved: { trunk: tf.Tensor[]; head: tf.Tensor[]; step: number } | undefined;

  /** The step the kept weights were taken at. */
  get step(): number | undefined {
    return this.saved?.step;
  }

  keep(encoder: Encoder, step: number): void {
    this.forget();
    const copy = (weights: tf.Tensor[]) => weights.map((w) => tf.keep(tf.clone(w)));
    this.saved = { trunk: copy(encoder.featureExtractor.getWeights()), head: copy(encoder.head.getWeights()), step };
  }

  /** Writes the kept weights into `encoder`; returns their step (undefined: none kept). */
  restore(encoder: Encoder): number | undefined {
    if (!this.saved) return undefined;
    encoder.featureExtractor.setWeights(this.saved.trunk);
    encoder.head.setWeights(this.saved.head);
    return this.saved.step;
  }

  forget(): void {
    if (this.saved) tf.dispose([...this.saved.trunk, ...this.saved.head]);
    this.saved = undefined;
  }
}
