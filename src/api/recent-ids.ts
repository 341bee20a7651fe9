/**
 * The most recent ids seen, bounded: the oldest is forgotten when full. Lets the API answer a
 * client's retry of an already-accepted event without writing it twice; consumers still drop
 * repeats that reach the queue (after a restart, or through another API instance).
 *
 * @example
 * const recent = new RecentIds(100_000);
 * recent.add('e1');
 * recent.has('e1'); // true
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
  }
}
