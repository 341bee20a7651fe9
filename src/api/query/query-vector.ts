import type { VectorDistance } from '../../core/vector-store';
import { fieldError } from '../api-error';

/** Above this length a vector's squared length (and its dot products) overflow float32. */
const MAX_FLOAT32_NORM = Math.sqrt(3.4028234663852886e38);

/** Euclidean length in double precision, scaled first so that no square overflows. */
function euclideanNorm(vector: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < vector.length; i++) largest = Math.max(largest, Math.abs(vector[i]));
  if (largest === 0) return 0;
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (vector[i] / largest) ** 2;
  return largest * Math.sqrt(sum);
}

/**
 * The query vector to send to a collection of the given distance, so that every score comes
 * back finite. Cosine ignores length, so the vector is scaled to unit length here in double
 * precision (any finite vector works, the ranking is unchanged); for dot and euclid the length
 * matters, and a vector whose length overflows float32 is refused with a 400 naming `field`.
 *
 * @example
 * searchVector([3e38, 4e38], 'cosine'); // [0.6, 0.8]
 * searchVector([3e38, 4e38], 'dot'); // throws: vector: its length overflows float32
 */
export function searchVector(vector: readonly number[], distance: VectorDistance, field = 'vector'): number[] {
  const norm = euclideanNorm(vector);
  if (distance === 'cosine') return norm === 0 ? [...vector] : vector.map((x) => x / norm);
  if (norm > MAX_FLOAT32_NORM) {
    throw fieldError(field, `its length ${norm.toExponential(2)} overflows float32 (at most ${MAX_FLOAT32_NORM.toExponential(2)} for ${distance} collections); scale it down`);
  }
  return [...vector];
}

/**
 * Checks that feature values survive conversion to float32 (a model's input type): a larger
 * magnitude would become Infinity and the embedding NaN.
 *
 * @example
 * assertFloat32Values([1, 2e38], 'vector'); // passes
 * assertFloat32Values([1, 1e39], 'vector'); // throws: vector.1: ...
 */
export function assertFloat32Values(values: readonly number[], field: string): void {
  const limit = 3.4028234663852886e38;
  for (let i = 0; i < values.length; i++) {
    if (!(Math.abs(values[i]) <= limit)) throw fieldError(`${field}.${i}`, `must be within the float32 range ±3.4e38 (got ${values[i]})`);
  }
}
