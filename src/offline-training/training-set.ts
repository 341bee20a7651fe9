import * as tf from '@tensorflow/tfjs-core';
import type { AugmentImage } from './image-augmentation';

/**
 * Labelled training items in memory: `inputs` holds `labels.length` examples of `inputShape`
 * (e.g. `[28, 28, 1]` raw pixels, or `[512]` feature vectors), row-major, back to back.
 */
export interface TrainingSet {
  inputs: Float32Array | Uint8Array;
  labels: Int32Array;
}

/**
 * Throws an error naming the field when `data` does not hold whole examples of `inputShape`.
 *
 * @example
 * checkTrainingSet({ inputs: new Float32Array(784 * 2), labels: Int32Array.from([0, 1]) }, [28, 28, 1]);
 */
export function checkTrainingSet(data: TrainingSet, inputShape: readonly number[], field = 'data'): void {
  if (!data || typeof data !== 'object') throw new Error(`${field} must be an object { inputs, labels }`);
  if (!(data.inputs instanceof Float32Array || data.inputs instanceof Uint8Array)) throw new Error(`${field}.inputs must be a Float32Array or Uint8Array`);
  if (!(data.labels instanceof Int32Array)) throw new Error(`${field}.labels must be an Int32Array`);
  if (data.labels.length === 0) throw new Error(`${field}.labels is empty`);
  const size = inputShape.reduce((a, b) => a * b, 1);
  if (data.inputs.length !== data.labels.length * size) {
    throw new Error(`${field}.inputs has ${data.inputs.length} values, expected labels.length × ${size} (input shape [${inputShape.join(', ')}]) = ${data.labels.length * size}`);
  }
  if (new Set(data.labels).size < 2) throw new Error(`${field}.labels must hold at least 2 classes`);
}

/**
 * Gathers items `indices` of `data` into one input tensor `[n × views, ...inputShape]`: view v of
 * item i sits at row `v·n + i`, each view augmented independently when `augment` is given.
 *
 * @example
 * const x = gatherBatch(data, [28, 28, 1], batch.indices, 1); // [n, 28, 28, 1]
 */
export function gatherBatch(data: TrainingSet, inputShape: readonly number[], indices: Int32Array, views = 1, augment?: AugmentImage): tf.Tensor {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const n = indices.length;
  const out = new Float32Array(n * views * size);
  for (let v = 0; v < views; v++) {
    for (let i = 0; i < n; i++) {
      const row = v * n + i;
      if (augment) augment(data.inputs, indices[i], out, row);
      else out.set(data.inputs.subarray(indices[i] * size, (indices[i] + 1) * size), row * size);
    }
  }
  return tf.tensor(out, [n * views, ...inputShape]);
}
