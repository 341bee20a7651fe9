import { availableParallelism } from 'node:os';

/**
 * Most threads `auto` picks. The loss, miner and optimizer update stay on the calling thread
 * (about 35 ms of a 300 ms step of the default recipe on one thread), so beyond a few parts of a
 * batch each further thread saves less than the last while it adds a replica's memory.
 */
export const AUTO_TRAINING_THREADS_MAX = 4;

/**
 * Gradient threads for a `TRAINING_THREADS` / `--threads` value: `auto` means every core up to
 * {@link AUTO_TRAINING_THREADS_MAX}; nothing means one; otherwise a positive integer. One is the
 * default because the threads work in lock step: on cores other work keeps busy, each step waits
 * for the slowest thread and two threads trained slower than one.
 *
 * @example
 * resolveTrainingThreads('auto', 2); // 2
 * resolveTrainingThreads('3');       // 3
 */
export function resolveTrainingThreads(value: string | number | undefined, cores = availableParallelism()): number {
  if (value === undefined) return 1;
  if (value === 'auto') return Math.max(1, Math.min(cores, AUTO_TRAINING_THREADS_MAX));
  const threads = Number(value);
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 64)) throw new Error(`threads must be 'auto' or an integer from 1 to 64, got '${value}'`);
  return threads;
}
