import * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../../src/encoder/encoder';

/**
 * Re-initialises `encoder`'s kernels with seeded Glorot-uniform draws (biases and normalisation
 * parameters start fixed already), so a test starts from the same weights on every run rather
 * than from a draw of random initialisation.
 *
 * @example
 * const encoder = createEncoder(config);
 * seededInit(encoder, 7);
 */
export function seededInit(encoder: Encoder, seed: number): void {
  encoder.trainableVariables().forEach((variable, i) => {
    const shape = variable.shape;
    if (shape.length < 2) return;
    const fanOut = shape[shape.length - 1];
    const fanIn = variable.size / fanOut;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    variable.assign(tf.randomUniform(shape, -limit, limit, 'float32', seed + i));
  });
}
