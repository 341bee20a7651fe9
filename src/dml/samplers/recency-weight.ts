/**
 * The sampling weight of an example `ageMs` older than the newest one: it halves every
 * `halfLifeMs`, but never falls below `minWeight` (in [0, 1]), so new feedback is drawn more
 * often while old feedback keeps being rehearsed instead of fading out of training.
 *
 * @example
 * recencyWeight(0, 600_000, 0.25);         // 1
 * recencyWeight(600_000, 600_000, 0.25);   // 0.625
 * recencyWeight(86_400_000, 600_000, 0.25); // 0.25
 */
export function recencyWeight(ageMs: number, halfLifeMs: number, minWeight = 0): number {
  // Floored so that, with no minimum, very old examples keep a tiny chance instead of dividing by zero.
  return Math.max(minWeight + (1 - minWeight) * Math.pow(0.5, Math.max(0, ageMs) / halfLifeMs), 1e-300);
}
