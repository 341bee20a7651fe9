/**
 * Start times of produce requests not yet settled, including those given up at the deadline,
 * so that health can report a stalled broker.
 *
 * @example
 * const sends = new UnsettledSends();
 * const sent = sends.track(() => producer.send({ messages }));
 * sends.oldestMs(); // ms since the oldest request still unsettled started (0 when none)
 */
export class UnsettledSends {
  private readonly started = new Map<symbol, number>();

  /** Starts a request with `start` and remembers it until it settles. */
  track<T>(start: () => Promise<T>): Promise<T> {
    const token = Symbol('send');
    this.started.set(token, performance.now());
    const sent = start();
    sent.then(
      () => this.started.delete(token),
      () => this.started.delete(token),
    );
    return sent;
  }

  /** How long the oldest unsettled request has been running, in ms (0 when none). */
  oldestMs(): number {
    let oldest = Infinity;
    for (const started of this.started.values()) oldest = Math.min(oldest, started);
    return oldest === Infinity ? 0 : performance.now() - oldest;
  }
}
