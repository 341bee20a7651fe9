/**
 * Checks `poll`'s arguments, naming the offending one, and refuses a closed consumer.
 *
 * @example
 * assertPollArguments(500, 1000, false); // passes
 * assertPollArguments(0, 1000, false);   // TypeError: maxRecords: expected a positive integer, got 0
 */
export function assertPollArguments(maxRecords: number, timeoutMs: number, closed: boolean): void {
  if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new TypeError(`maxRecords: expected a positive integer, got ${maxRecords}`);
  if (!(timeoutMs >= 0)) throw new TypeError(`timeoutMs: expected a non-negative number, got ${timeoutMs}`);
  if (closed) throw new Error('consumer is closed');
}

/**
 * Where a `poll` on an empty buffer sleeps until records arrive (`wake`) or its timeout passes.
 *
 * @example
 * const arrival = new Arrival();
 * if (buffer.length === 0) await arrival.sleep(1000); // returns early once the fetch side calls arrival.wake()
 */
export class Arrival {
  private waiting: (() => void) | undefined;

  async sleep(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.waiting = resolve;
      timer = setTimeout(resolve, timeoutMs);
    });
    clearTimeout(timer);
    this.waiting = undefined;
  }

  /** Ends the sleep of a waiting `poll`, if any. */
  wake(): void {
    this.waiting?.();
  }
}
