export interface GroupCommitOptions {
  /**
   * How long the oldest waiting item may wait for company before its batch is flushed, in ms
   * (default 0). Under load a batch usually forms while the previous flush runs and leaves at
   * once; the linger only delays a batch that would otherwise leave with a free lane and few items.
   */
  lingerMs?: number;
  /**
   * Flushes that may run at once (default 1). With 1, batches are flushed one after another in
   * the order their items were added. With more, each running flush has its own `lane`
   * (0 … maxInFlight − 1), and only items whose `add` resolved before another item was added
   * are ordered before it.
   */
  maxInFlight?: number;
}

/** Why an `add` was refused at its deadline. */
export class WriteDeadlineError extends Error {
  constructor(
    readonly deadlineMs: number,
    /** True when the item was already being flushed: the write may still complete later. */
    readonly mayStillLand: boolean,
  ) {
    super(`no durable acknowledgement within ${deadlineMs} ms${mayStillLand ? ' (the write is still pending and may still complete)' : ' (not written)'}`);
    this.name = 'WriteDeadlineError';
  }
}

export interface GroupCommit<T> {
  /**
   * Resolves once the flush that includes `item` succeeded; rejects with its error. With
   * `deadlineMs`, rejects with `WriteDeadlineError` when that flush has not succeeded in time;
   * an item still waiting for a flush is then withdrawn and never written.
   */
  add(item: T, options?: { deadlineMs?: number }): Promise<void>;
  /** Resolves when nothing is waiting or being flushed. */
  idle(): Promise<void>;
  /** How long the oldest running flush has been running, in ms (0 when none runs). */
  oldestFlushAgeMs(): number;
}

interface Entry<T> {
  item: T;
  addedAt: number;
  settled: boolean;
  timer?: NodeJS.Timeout;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit: concurrent requests share one flush (one write + fsync, or one produce request)
 * instead of paying for one each. Items that arrive while every lane is flushing wait and leave
 * together in the next batch; `lingerMs` lets a batch gather briefly when a lane is free.
 *
 * @example
 * const commit = createGroupCommit<Buffer>(async (buffers) => { await write(buffers); await fsync(); }, { lingerMs: 2 });
 * await Promise.all([commit.add(a), commit.add(b, { deadlineMs: 5000 })]); // usually one write + one fsync
 */
export function createGroupCommit<T>(flush: (items: T[], lane: number) => Promise<void>, options: GroupCommitOptions = {}): GroupCommit<T> {
  const lingerMs = options.lingerMs ?? 0;
  const maxInFlight = options.maxInFlight ?? 1;
  if (!(lingerMs >= 0)) throw new RangeError(`lingerMs: expected a non-negative number, got ${lingerMs}`);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`maxInFlight: expected a positive integer, got ${maxInFlight}`);

  let pending: Entry<T>[] = [];
  /** Start time of the flush running in each lane; undefined when the lane is free. */
  const lanes: (number | undefined)[] = new Array(maxInFlight).fill(undefined);
  let lingerTimer: NodeJS.Timeout | undefined;
  let idleWaiters: (() => void)[] = [];

  function settle(entry: Entry<T>): boolean {
    if (entry.settled) return false;
    entry.settled = true;
    clearTimeout(entry.timer);
    return true;
  }

  function schedule(): void {
    while (pending.length > 0) {
      const lane = lanes.indexOf(undefined);
      if (lane < 0) return;
      const waited = performance.now() - pending[0].addedAt;
      if (waited < lingerMs) {
        lingerTimer ??= setTimeout(() => {
          lingerTimer = undefined;
          schedule();
        }, lingerMs - waited);
        return;
      }
      clearTimeout(lingerTimer);
      lingerTimer = undefined;
      const batch = pending;
      pending = [];
      void run(batch, lane);
    }
    if (lanes.every((l) => l === undefined)) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  async function run(batch: Entry<T>[], lane: number): Promise<void> {
    lanes[lane] = performance.now();
    try {
      await flush(
        batch.map((e) => e.item),
        lane,
      );
      for (const e of batch) if (settle(e)) e.resolve();
    } catch (error) {
      for (const e of batch) if (settle(e)) e.reject(error);
    } finally {
      lanes[lane] = undefined;
      schedule();
    }
  }

  return {
    add(item: T, addOptions: { deadlineMs?: number } = {}): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const entry: Entry<T> = { item, addedAt: performance.now(), settled: false, resolve, reject };
        const deadlineMs = addOptions.deadlineMs;
        if (deadlineMs !== undefined) {
          entry.timer = setTimeout(() => {
            if (!settle(entry)) return;
            const waiting = pending.indexOf(entry);
            if (waiting >= 0) pending.splice(waiting, 1);
            reject(new WriteDeadlineError(deadlineMs, waiting < 0));
          }, deadlineMs);
        }
        pending.push(entry);
        schedule();
      });
    },
    async idle(): Promise<void> {
      while (pending.length > 0 || lanes.some((l) => l !== undefined)) await new Promise<void>((wake) => idleWaiters.push(wake));
    },
    oldestFlushAgeMs(): number {
      const started = lanes.filter((l): l is number => l !== undefined);
      return started.length === 0 ? 0 : performance.now() - Math.min(...started);
    },
  };
}
