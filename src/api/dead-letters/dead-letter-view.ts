import { compareCursors, type DeadLetterEntry } from './dead-letter-entry';

/** One page of dead letters, newest first. */
export interface DeadLetterPage {
  deadLetters: DeadLetterEntry[];
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/**
 * The newest `capacity` dead letters, in memory, ordered by when they were dead-lettered:
 * listed a page at a time (newest first) and looked up by item id for item status. A record
 * dead-lettered twice (the trainer may repeat one after a crash) is kept once.
 *
 * @example
 * const view = new DeadLetterView(100_000);
 * view.add(deadLetterEntryOf(consumed));
 * view.page({ limit: 50 }).deadLetters[0].reason;
 * view.rejectionOf('pill-1')?.reason;
 */
export class DeadLetterView {
  /** Oldest first. */
  private readonly entries: DeadLetterEntry[] = [];
  private readonly sources = new Set<string>();
  /** Per item id, its newest dead-lettered `items` record. */
  private readonly itemRejections = new Map<string, DeadLetterEntry>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity: expected a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.length;
  }

  add(entry: DeadLetterEntry): void {
    const source = sourceKey(entry);
    if (this.sources.has(source)) return;
    this.sources.add(source);
    // Letters arrive nearly in order (partitions interleave): search from the end.
    let at = this.entries.length;
    while (at > 0 && compareCursors(this.entries[at - 1].cursor, entry.cursor) > 0) at--;
    this.entries.splice(at, 0, entry);
    if (entry.source.topic === 'items') {
      const id = entry.record.id ?? entry.key;
      const previous = this.itemRejections.get(id);
      if (!previous || writtenAt(previous) <= writtenAt(entry)) this.itemRejections.set(id, entry);
    }
    while (this.entries.length > this.capacity) this.evict(this.entries.shift()!);
  }

  /** The newest rejected write of item `id` still held, if any. */
  rejectionOf(id: string): DeadLetterEntry | undefined {
    return this.itemRejections.get(id);
  }

  /** Up to `limit` entries older than `cursor` (from the newest when absent), newest first. */
  page(options: { limit: number; cursor?: string }): DeadLetterPage {
    let end = this.entries.length;
    if (options.cursor !== undefined) {
      let lo = 0;
      let hi = this.entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareCursors(this.entries[mid].cursor, options.cursor) < 0) lo = mid + 1;
        else hi = mid;
      }
      end = lo;
    }
    const start = Math.max(0, end - options.limit);
    const deadLetters = this.entries.slice(start, end).reverse();
    return start > 0 && deadLetters.length > 0 ? { deadLetters, nextCursor: deadLetters[deadLetters.length - 1].cursor } : { deadLetters };
  }

  private evict(entry: DeadLetterEntry): void {
    this.sources.delete(sourceKey(entry));
    const id = entry.record.id ?? entry.key;
    if (this.itemRejections.get(id) === entry) this.itemRejections.delete(id);
  }
}

function sourceKey(entry: DeadLetterEntry): string {
  return `${entry.source.topic}/${entry.source.partition}/${entry.source.offset}`;
}

/** When the API accepted the rejected write; 0 for records that did not come through the API. */
function writtenAt(entry: DeadLetterEntry): number {
  return entry.record.receivedAt ?? 0;
}
