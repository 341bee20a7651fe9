import type { ConsumedRecord, QueueConsumer, QueueConsumerOptions, TopicName, TopicPartitionOffset } from '../../core/queue';
import { parseOffset } from '../topics';
import type { EmbeddedStore } from './embedded-store';

interface Assignment {
  topic: TopicName;
  partition: number;
  /** Next offset to hand out. */
  position: number;
}

/**
 * A consumer over an embedded store: it owns every partition of its topics, starts each at
 * its `startAt` offset, else the group's committed offset, else 0, and waits for appends
 * (no polling loop) when it has caught up.
 *
 * @example
 * const consumer = await EmbeddedConsumer.open(store, { group: 'trainer', topics: ['feedback'] });
 * const records = await consumer.poll(500, 1000);
 */
export class EmbeddedConsumer implements QueueConsumer {
  private next = 0;
  private closed = false;
  private wake: (() => void) | undefined;
  private readonly onAppend = () => this.wake?.();

  private constructor(
    private readonly store: EmbeddedStore,
    private readonly group: string,
    private readonly assignments: Assignment[],
  ) {
    for (const a of assignments) store.logOf(a.topic, a.partition).on('append', this.onAppend);
  }

  static async open(store: EmbeddedStore, options: QueueConsumerOptions): Promise<EmbeddedConsumer> {
    const startAt = new Map<string, number>();
    (options.startAt ?? []).forEach((entry, i) => {
      const offset = parseOffset(entry, `startAt[${i}]`);
      if (!options.topics.includes(entry.topic)) {
        throw new TypeError(`startAt[${i}].topic: "${entry.topic}" is not one of the consumer's topics`);
      }
      if (entry.partition >= store.partitionCount(entry.topic)) {
        throw new TypeError(`startAt[${i}].partition: topic "${entry.topic}" has ${store.partitionCount(entry.topic)} partitions`);
      }
      startAt.set(`${entry.topic}/${entry.partition}`, offset);
    });
    store.claimGroup(options.group);
    const committed = await store.offsetsOf(options.group).load();
    const assignments: Assignment[] = [];
    for (const topic of [...new Set(options.topics)]) {
      for (let partition = 0; partition < store.partitionCount(topic); partition++) {
        const position = startAt.get(`${topic}/${partition}`) ?? committed[topic]?.[partition] ?? 0;
        assignments.push({ topic, partition, position });
      }
    }
    return new EmbeddedConsumer(store, options.group, assignments);
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumedRecord[]> {
    if (!Number.isInteger(maxRecords) || maxRecords < 1) throw new TypeError(`maxRecords: expected a positive integer, got ${maxRecords}`);
    if (!(timeoutMs >= 0)) throw new TypeError(`timeoutMs: expected a non-negative number, got ${timeoutMs}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.closed) throw new Error('consumer is closed');
      // Registered before reading so an append that lands while reading still wakes us.
      const appended = new Promise<void>((resolve) => (this.wake = resolve));
      const records = await this.take(maxRecords);
      if (records.length > 0) return records;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return [];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([appended, new Promise<void>((resolve) => (timer = setTimeout(resolve, remaining)))]);
      clearTimeout(timer);
      this.wake = undefined;
    }
  }

  /** Reads from the partitions round-robin, starting one further each call, for fairness. */
  private async take(maxRecords: number): Promise<ConsumedRecord[]> {
    const out: ConsumedRecord[] = [];
    const count = this.assignments.length;
    for (let i = 0; i < count && out.length < maxRecords; i++) {
      const a = this.assignments[(this.next + i) % count];
      const stored = await this.store.logOf(a.topic, a.partition).read(a.position, maxRecords - out.length);
      for (const record of stored) {
        out.push({ topic: a.topic, partition: a.partition, offset: String(a.position++), ...record });
      }
    }
    this.next = (this.next + 1) % Math.max(1, count);
    return out;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    if (!Array.isArray(offsets)) throw new TypeError('offsets: expected an array');
    const table: Partial<Record<TopicName, Record<number, number>>> = {};
    offsets.forEach((entry, i) => {
      const offset = parseOffset(entry, `offsets[${i}]`);
      (table[entry.topic] ??= {})[entry.partition] = offset;
    });
    await this.store.offsetsOf(this.group).commit(table);
  }

  async lag(): Promise<Record<string, number>> {
    const committed = await this.store.offsetsOf(this.group).load();
    const lag: Record<string, number> = {};
    for (const { topic, partition } of this.assignments) {
      const end = this.store.logOf(topic, partition).endOffset;
      lag[topic] = (lag[topic] ?? 0) + Math.max(0, end - (committed[topic]?.[partition] ?? 0));
    }
    return lag;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const a of this.assignments) this.store.logOf(a.topic, a.partition).off('append', this.onAppend);
    this.wake?.();
    this.store.releaseGroup(this.group);
  }
}
