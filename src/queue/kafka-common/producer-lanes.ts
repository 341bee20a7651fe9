/**
 * One producer per lane of the group commit, so each has at most one request in flight. A
 * discarded producer is closed only once its request settles; the next publish on that lane
 * starts a fresh producer id.
 *
 * @example
 * const lanes = new ProducerLanes<Producer>(2, (p) => p.close(true).catch(() => undefined));
 * const producer = lanes.get(0, () => new Producer(config));
 * lanes.discard(0, sent); // closes it once `sent` settles
 * await lanes.closeAll();
 */
export class ProducerLanes<P> {
  private readonly producers: (P | undefined)[];

  /** `close` shuts one producer down; it is awaited by `closeAll`. */
  constructor(
    count: number,
    private readonly close: (producer: P) => Promise<unknown>,
  ) {
    this.producers = new Array(count).fill(undefined);
  }

  /** The lane's producer, made by `create` when the lane has none. */
  get(lane: number, create: () => P): P {
    return (this.producers[lane] ??= create());
  }

  /** Empties the lane if it still holds `producer` (e.g. one that failed to connect). */
  forget(lane: number, producer: P): void {
    if (this.producers[lane] === producer) this.producers[lane] = undefined;
  }

  /** Abandons a lane's producer once `inFlight` settles. */
  discard(lane: number, inFlight: Promise<unknown>): void {
    const old = this.producers[lane];
    this.producers[lane] = undefined;
    void inFlight
      .catch(() => undefined)
      .then(() => old !== undefined && this.close(old))
      .catch(() => undefined);
  }

  /** Closes every lane's producer, one after another. */
  async closeAll(): Promise<void> {
    for (const producer of this.producers) if (producer !== undefined) await this.close(producer);
  }
}
