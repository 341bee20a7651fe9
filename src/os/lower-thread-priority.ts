import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import type { Logger } from '../log/logger';

/**
 * Lowers the calling thread's CPU priority to niceness `nice` (Linux: threads have their own
 * niceness, and threads they start inherit it), so the API's thread comes first on a shared core.
 * Where that fails the thread runs on at normal priority, with a warning naming `thread`.
 *
 * @returns the thread's id, or undefined when `nice` is 0 or the change failed.
 * @example
 * lowerThreadPriority(10, log, 'trainer thread'); // 48213
 */
export function lowerThreadPriority(nice: number, log: Logger, thread: string): number | undefined {
  if (nice <= 0) return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    setPriority(tid, nice);
    return tid;
  } catch (error) {
    log.warn({ err: error, nice }, `could not lower the ${thread}'s priority; it competes with the API for CPU`);
    return undefined;
  }
}
