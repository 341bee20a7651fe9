/**
 * A small seeded pseudo-random generator (mulberry32). Miners and samplers draw from it so a
 * run with the same seed picks the same batches and triplets, which makes training replayable.
 *
 * @example
 * const rng = createRandom(42);
 * rng.next();        // uniform in [0, 1)
 * rng.int(10);       // integer in [0, 10)
 */
export interface Random {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Standard normal sample (Box–Muller). */
  normal(): number;
}

export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new Error(`createRandom: seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (maxExclusive) => Math.floor(next() * maxExclusive),
    normal: () => {
      // 1 - u keeps the logarithm's argument in (0, 1].
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * Index drawn from cumulative weights: the first position whose running total exceeds
 * `target` (pass `rng.next() * total`). Binary search, so repeated draws stay cheap.
 *
 * @example
 * const cumulative = [1, 3, 6]; // weights 1, 2, 3
 * pickCumulative(cumulative, rng.next() * 6);
 */
export function pickCumulative(cumulative: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
