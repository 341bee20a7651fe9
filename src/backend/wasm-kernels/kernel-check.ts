import * as tf from '@tensorflow/tfjs-core';

/** Deterministic pseudo-random values in [-0.5, 0.5) (mulberry32), so failures reproduce. */
export function randomValues(size: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  }
  return out;
}

/** Runs `compute` on each backend and returns the flattened outputs, keyed by backend name. */
export async function onBackends(
  backends: string[],
  compute: () => tf.Tensor,
): Promise<Record<string, Float32Array>> {
  const out: Record<string, Float32Array> = {};
  const previous = tf.getBackend();
  for (const name of backends) {
    await tf.setBackend(name);
    const t = tf.tidy(compute);
    out[name] = Float32Array.from(await t.data());
    t.dispose();
  }
  if (previous) await tf.setBackend(previous);
  return out;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
