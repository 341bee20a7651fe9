import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { createRandom } from '../../dml/random';

/** A deterministic PRNG so failing parity cases can be replayed. */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next;
}

export function randomInput(shape: number[], low: number, high: number, seed: number): Float32Array {
  const next = seededRandom(seed);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * next();
  return data;
}

/** Runs TF.js models chained one into the next, as the reference for the exported graph. */
export function runTfChain(models: tfl.LayersModel[], data: Float32Array, shape: number[]): { data: Float32Array; dims: number[] } {
  return tf.tidy(() => {
    let x: tf.Tensor = tf.tensor(data, shape);
    for (const m of models) x = m.predict(x) as tf.Tensor;
    return { data: Float32Array.from(x.dataSync() as Float32Array), dims: [...x.shape] };
  });
}

export async function runOrt(session: ort.InferenceSession, data: Float32Array, shape: number[]): Promise<{ data: Float32Array; dims: number[] }> {
  const outputs = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', data, shape) });
  const out = outputs[session.outputNames[0]];
  return { data: out.data as Float32Array, dims: [...out.dims] };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
  }
  return max;
}

/** Gives BatchNormalization layers non-trivial moving statistics and affine terms. */
export function randomizeBatchNorm(model: tfl.LayersModel, seed: number): void {
  const next = seededRandom(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    layer.setWeights(
      layer.weights.map((w) => {
        const isVariance = w.name.includes('moving_variance');
        const size = (w.shape as number[]).reduce((a, b) => a * b, 1);
        const values = Array.from({ length: size }, () => (isVariance ? 0.5 + next() : next() - 0.5));
        return tf.tensor(values, w.shape as number[]);
      }),
    );
  }
}
