import { createRandom } from '../../src/dml/random';
import type { TrainingSet } from '../../src/offline-training/training-set';

/**
 * Feature vectors like those a frozen backbone hands the head: one Gaussian cluster per class
 * around a random centre. Throughput does not depend on the values, only on the shapes; the
 * clusters keep the loss and the miner doing realistic work.
 *
 * @example
 * const data = syntheticFeatures({ items: 4000, classes: 10, dim: 512 });
 */
export function syntheticFeatures(options: { items: number; classes: number; dim: number; seed?: number }): TrainingSet {
  const { items, classes, dim } = options;
  const random = createRandom(options.seed ?? 7);
  const centres = Float32Array.from({ length: classes * dim }, () => random.normal());
  const inputs = new Float32Array(items * dim);
  const labels = new Int32Array(items);
  for (let i = 0; i < items; i++) {
    const c = i % classes;
    labels[i] = c;
    for (let d = 0; d < dim; d++) inputs[i * dim + d] = Math.max(0, centres[c * dim + d] + 0.8 * random.normal());
  }
  return { inputs, labels };
}
