/**
 * Runs a synchronous `step` again and again on the event loop, one call per turn
 * (`setImmediate`), until it reports that it is done, so long work interleaves with requests.
 * `kick` restarts it after new work arrives; `idle` resolves once it is done or stopped.
 *
 * `share` (read before each step, default 1) caps the part of the thread's time the job takes:
 * below 1, each step is followed by a rest of `stepTime × (1 − share) / share`, so background work
 * that can wait (indexing a collection nobody searches yet) leaves the rest to requests.
 *
 * @example
 * const job = createSlicedJob(() => index.indexPending(5));
 * job.kick();
 * await job.idle();
 * const gentle = createSlicedJob(() => index.indexPending(5), undefined, () => 0.25); // at most a quarter of the time
 */
export function createSlicedJob(step: () => boolean, onError: (error: unknown) => void = () => {}, share: () => number = () => 1) {
  let scheduled = false;
  let restTimer: NodeJS.Timeout | undefined;
  let stopped = false;
  let waiters: (() => void)[] = [];

  function settle() {
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  }

  function turn() {
    scheduled = false;
    restTimer = undefined;
    if (stopped) return settle();
    let done: boolean;
    const started = performance.now();
    try {
      done = step();
    } catch (error) {
      onError(error);
      done = true;
    }
    if (done) settle();
    else schedule(performance.now() - started);
  }

  function schedule(lastStepMs = 0) {
    if (scheduled || stopped) return;
    scheduled = true;
    const part = Math.min(1, Math.max(0.01, share()));
    const restMs = part < 1 ? (lastStepMs * (1 - part)) / part : 0;
    if (restMs >= 1) restTimer = setTimeout(turn, restMs);
    else setImmediate(turn);
  }

  return {
    kick(): void {
      schedule();
    },
    /** Ends a rest early (the share went up): the next step runs on the next turn. */
    hurry(): void {
      if (restTimer === undefined) return;
      clearTimeout(restTimer);
      restTimer = undefined;
      setImmediate(turn);
    },
    /** Resolves when the job has nothing left to do (or was stopped). */
    idle(): Promise<void> {
      if (!scheduled || stopped) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    stop(): void {
      stopped = true;
      clearTimeout(restTimer);
      settle();
    },
  };
}

export type SlicedJob = ReturnType<typeof createSlicedJob>;
