import { createRandom } from '../dml/random';

/**
 * Deterministic pseudo-random numbers in [0, 1) (mulberry32), so tests and benchmarks reproduce.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // same value on every run
 */
export function seededRandom(seed: number): () => number {
  return createRandom(seed).next;
}
