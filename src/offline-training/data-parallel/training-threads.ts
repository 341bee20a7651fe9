import { availableParallelism } from 'node:os';

/**
 * Most threads `auto` picks. The loss, miner and optimizer update stay on the calling thread
 * (about 35 ms of a 300 ms step of the default recipe on one thread), so beyond a few parts of a
 * batch each further thread saves less than the last while it adds a replica's memory.
 */
export const AUTO_TRAINING_THREADS_MAX = 4;

/**
 * Gradient threads for a `TRAINING_THREADS` / `--threads` value: `auto` (or nothing) means
 * every core up to {@link AUTO_TRAINING_THREADS_MAX}; otherwise a positive integer.
 *
 * @example
 * resolveTrainingThreads('auto', 2); // 2
 * resolveTrainingThreads('3');       // 3
 */
export function resolveTrainingThreads(value: string | number | undefined, cores = availableParallelism()): number {
  if (value === undefined || value === 'auto') return Math.max(1, Math.min(cores, AUTO_TRAINING_THREADS_MAX));
  const threads = Number(value);
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new Error(`threads must be 'auto' or an integer from 1 to 64, got '${value}'`);
  return threads;
}
