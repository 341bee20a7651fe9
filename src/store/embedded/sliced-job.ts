/**
 * Runs a synchronous `step` again and again on the event loop, one call per turn
 * (`setImmediate`), until it reports that it is done, so long work interleaves with requests.
 * `kick` restarts it after new work arrives; `idle` resolves once it is done or stopped.
 *
 * @example
 * const job = createSlicedJob(() => index.indexPending(5));
 * job.kick();
 * await job.idle();
 */
export function createSlicedJob(step: () => boolean, onError: (error: unknown) => void = () => {}) {
  let scheduled = false;
  let stopped = false;
  let waiters: (() => void)[] = [];

  function settle() {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  }

  function turn() {
    scheduled = false;
    if (stopped) return settle();
    let done: boolean;
    try {
      done = step();
    } catch (error) {
      onError(error);
      done = true;
    }
    if (done) settle();
    else schedule();
  }

  function schedule() {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(turn);
  }

  return {
    kick(): void {
      schedule();
    },
    /** Resolves when the job has nothing left to do (or was stopped). */
    idle(): Promise<void> {
      if (!scheduled || stopped) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    stop(): void {
      stopped = true;
      settle();
    },
  };
}

export type SlicedJob = ReturnType<typeof createSlicedJob>;
