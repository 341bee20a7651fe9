/**
 * Runs async jobs one at a time, in submission order; a failed job does not block later ones.
 *
 * @example
 * const queue = createSerialQueue();
 * await queue.run(() => appendAndSync(frames));
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(job: () => Promise<T>): Promise<T> {
      const result = tail.then(job, job);
      tail = result.catch(() => undefined);
      return result;
    },
    /** Resolves when every job submitted so far has settled. */
    idle(): Promise<void> {
      return tail.then(() => undefined);
    },
  };
}

export type SerialQueue = ReturnType<typeof createSerialQueue>;
