import { createRandom } from '../../dml/random';

/**
 * Synthetic classes whose identity lives in a few `signal` coordinates (class centres drawn on
 * them), buried under stronger noise in all other coordinates. A random projection mixes the
 * noise in, so retrieval is poor; a learnt metric that attends to the signal coordinates helps
 * every class drawn this way, including classes absent from training.
 *
 * @example
 * const { inputs, labels } = subspaceClasses({ seed: 1, classes: [0, 1, 2], perClass: 50, dim: 32, signal: 4 });
 */
export function subspaceClasses(options: { seed: number; classes: number[]; perClass: number; dim: number; signal: number; noise?: number }): {
  inputs: Float32Array;
  labels: Int32Array;
} {
  const { classes, perClass, dim, signal } = options;
  const noise = options.noise ?? 1.5;
  const inputs = new Float32Array(classes.length * perClass * dim);
  const labels = new Int32Array(classes.length * perClass);
  let row = 0;
  for (const label of classes) {
    // Each class's centre depends only on (seed, label), so held-out sets drawn separately agree.
    const centreRng = createRandom(options.seed * 7919 + label);
    const centre = Array.from({ length: signal }, () => 2 * centreRng.normal());
    const rng = createRandom(options.seed * 104729 + label + 1);
    for (let k = 0; k < perClass; k++, row++) {
      labels[row] = label;
      for (let d = 0; d < dim; d++) inputs[row * dim + d] = d < signal ? centre[d] + 0.4 * rng.normal() : noise * rng.normal();
    }
  }
  return { inputs, labels };
}
