/** The last write to an item that this API accepted. */
export interface ItemWrite {
  /** `receivedAt` stamped on the record (ms since the epoch). */
  receivedAt: number;
  /** The write was a delete. */
  deleted: boolean;
}

/**
 * The items this API process accepted most recently, bounded: once `capacity` writes were
 * recorded the oldest is forgotten. It lets the API know an item it accepted before the trainer
 * indexed it (item status `pending`, feedback naming it) without asking anyone.
 *
 * @example
 * const recent = new RecentItemWrites(200_000);
 * recent.record('shoe-1', { receivedAt: Date.now(), deleted: false });
 * recent.get('shoe-1')?.deleted; // false
 */
export class RecentItemWrites {
  private readonly writes = new Map<string, ItemWrite & { slot: number }>();
  /** Item ids in the order their writes were recorded, as a ring: `order[next]` is the oldest once full. */
  private readonly order: string[];
  private next = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: expected a positive integer, got ${capacity}`);
    this.order = new Array<string>(capacity);
  }

  get(id: string): ItemWrite | undefined {
    const write = this.writes.get(id);
    return write && { receivedAt: write.receivedAt, deleted: write.deleted };
  }

  record(id: string, write: ItemWrite): void {
    const evicted = this.order[this.next];
    // An id written again since holds a later slot: only its newest slot removes it.
    if (evicted !== undefined && this.writes.get(evicted)?.slot === this.next) this.writes.delete(evicted);
    this.order[this.next] = id;
    this.writes.set(id, { ...write, slot: this.next });
    this.next = (this.next + 1) % this.capacity;
  }
}
