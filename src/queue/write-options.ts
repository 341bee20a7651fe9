import type { QueueHealth } from '../core/queue';

/** How a queue adapter batches and bounds its durable writes. */
export interface WriteOptions {
  /**
   * Longest a publish waits for its durable acknowledgement before it is refused with
   * `QueueUnavailableError` (default 5000 ms). A refused write that was already on its way may
   * still complete and land in the log; one still waiting for its batch is never written.
   */
  writeDeadlineMs?: number;
  /** How long a batch may wait for more concurrent publishes before it is written (default 2 ms). */
  lingerMs?: number;
}

export const DEFAULT_WRITE_DEADLINE_MS = 5000;
export const DEFAULT_LINGER_MS = 2;

/**
 * Resolves and checks `WriteOptions`, naming the offending field.
 *
 * @example
 * const { writeDeadlineMs, lingerMs } = writeOptionsOf({ writeDeadlineMs: 3000 }); // lingerMs: 2
 */
export function writeOptionsOf(options: WriteOptions): Required<WriteOptions> {
  const writeDeadlineMs = options.writeDeadlineMs ?? DEFAULT_WRITE_DEADLINE_MS;
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  if (!(Number.isFinite(writeDeadlineMs) && writeDeadlineMs > 0)) throw new TypeError(`writeDeadlineMs: expected a positive number, got ${writeDeadlineMs}`);
  if (!(Number.isFinite(lingerMs) && lingerMs >= 0)) throw new TypeError(`lingerMs: expected a non-negative number, got ${lingerMs}`);
  return { writeDeadlineMs, lingerMs };
}

/**
 * The health of a queue whose oldest unfinished write started `pendingMs` ago: not ok once that
 * is past the write deadline, so readiness turns false while the log or broker is stalled.
 *
 * @example
 * stalledWriteHealth(4200, 3000); // { ok: false, detail: 'stalled: write pending for 4.2 s (deadline 3 s)' }
 * stalledWriteHealth(12, 3000);   // undefined
 */
export function stalledWriteHealth(pendingMs: number, writeDeadlineMs: number): QueueHealth | undefined {
  if (pendingMs <= writeDeadlineMs) return undefined;
  return { ok: false, detail: `stalled: write pending for ${(pendingMs / 1000).toFixed(1)} s (deadline ${writeDeadlineMs / 1000} s)` };
}
