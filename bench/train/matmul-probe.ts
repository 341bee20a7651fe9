import * as tf from '@tensorflow/tfjs-core';

/** Milliseconds of one product with the transpose folded into the kernel vs done beforehand. */
export interface MatMulProbe {
  shape: string;
  foldedMs: number;
  explicitMs: number;
}

/**
 * Times the products a dense layer's backward pass makes (`xᵀ·dy` for the weight gradient,
 * `dy·Wᵀ` for the input gradient) as `matMul` with a transpose flag, and with an explicit
 * `transpose` first. On backends whose transposed product takes a slow path the gap shows
 * what the head's training step loses there.
 *
 * @example
 * probeTransposedMatMul(64, 512, 256); // [{ shape: 'xᵀ·dy ...', foldedMs: 15.4, explicitMs: 0.8 }, ...] on stock wasm
 */
export function probeTransposedMatMul(batch: number, inputs: number, units: number, repeats = 10): MatMulProbe[] {
  return tf.tidy(() => {
    const x = tf.randomNormal([batch, inputs]);
    const dy = tf.randomNormal([batch, units]);
    const w = tf.randomNormal([inputs, units]);
    // The read-back stays inside the scope: a typed array returned from `tidy` is scanned element
    // by element for tensors, which would add time proportional to the output size.
    const run = (f: () => tf.Tensor) => tf.tidy(() => void f().dataSync());
    const time = (f: () => tf.Tensor) => {
      run(f);
      const started = performance.now();
      for (let i = 0; i < repeats; i++) run(f);
      return (performance.now() - started) / repeats;
    };
    return [
      { shape: `xᵀ·dy [${inputs}×${batch}]·[${batch}×${units}]`, foldedMs: time(() => tf.matMul(x, dy, true, false)), explicitMs: time(() => tf.matMul(tf.transpose(x), dy)) },
      { shape: `dy·Wᵀ [${batch}×${units}]·[${units}×${inputs}]`, foldedMs: time(() => tf.matMul(dy, w, false, true)), explicitMs: time(() => tf.matMul(dy, tf.transpose(w))) },
    ];
  });
}
