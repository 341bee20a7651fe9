import type { ConsumedRecord, OutgoingRecord, Queue, QueueConsumer, TopicName, TopicReader } from '../../../src/core/queue';

/**
 * A test double of the `Queue` port that keeps records in arrays (one partition per topic),
 * for measuring the API's own cost without disk or broker latency.
 *
 * @example
 * const queue = createInMemoryQueue();
 * await queue.publish('feedback', [{ key: 'a', value: '{}' }]);
 * queue.records.feedback.length; // 1
 */
export function createInMemoryQueue(): Queue & { records: Record<TopicName, ConsumedRecord[]> } {
  const records: Record<TopicName, ConsumedRecord[]> = { items: [], feedback: [], 'dead-letters': [], 'reembed-tasks': [], 'reembed-done': [] };
  return {
    records,
    async init() {},
    async publish(topic: TopicName, batch: OutgoingRecord[]) {
      const log = records[topic];
      const timestamp = Date.now();
      for (const r of batch) log.push({ topic, partition: 0, offset: String(log.length), key: r.key, value: r.value, headers: r.headers ?? {}, timestamp });
    },
    async consumer(options): Promise<QueueConsumer> {
      const next = new Map<TopicName, number>(options.topics.map((t) => [t, Number(options.startAt?.find((s) => s.topic === t)?.offset ?? 0)]));
      return {
        async poll(maxRecords) {
          const out: ConsumedRecord[] = [];
          for (const [topic, offset] of next) {
            const taken = records[topic].slice(offset, offset + maxRecords - out.length);
            next.set(topic, offset + taken.length);
            out.push(...taken);
          }
          return out;
        },
        async commit() {},
        async lag() {
          return Object.fromEntries([...next].map(([topic, offset]) => [topic, records[topic].length - offset]));
        },
        async close() {},
      };
    },
    async reader(topic): Promise<TopicReader> {
      let next = 0;
      return {
        async poll(maxRecords, timeoutMs) {
          const taken = records[topic].slice(next, next + maxRecords);
          next += taken.length;
          // Like a real reader, an empty poll waits instead of returning at once.
          if (taken.length === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMs, 100)));
          return taken;
        },
        async close() {},
      };
    },
    async committedLag(_group, topics) {
      // Nothing is ever committed here.
      return Object.fromEntries(topics.map((t) => [t, records[t].length]));
    },
    async health() {
      return { ok: true };
    },
    async close() {},
  };
}
