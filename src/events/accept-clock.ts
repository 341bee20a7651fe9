/**
 * A clock for `receivedAt` stamps that never repeats or goes back within one process: the
 * wall clock in milliseconds, or one more than the previous stamp when the wall clock has not
 * moved on (or was set back). Two requests one process accepted one after the other therefore
 * always carry increasing stamps, whichever topic they went to, and a consumer that applies
 * the newest write of each field by stamp reproduces the order the API accepted them in.
 *
 * @example
 * const acceptedAt = createAcceptClock();
 * const a = acceptedAt();
 * const b = acceptedAt(); // b > a, even within the same millisecond
 */
export function createAcceptClock(now: () => number = Date.now): () => number {
  let last = -Infinity;
  return function acceptedAt(): number {
    last = Math.max(now(), last + 1);
    return last;
  };
}

/**
 * This process's accept clock, shared by every route that stamps `receivedAt`.
 *
 * @example
 * record.receivedAt = acceptedAt();
 */
export const acceptedAt = createAcceptClock();
