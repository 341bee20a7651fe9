import type { OutgoingRecord, QueueConsumer, QueueConsumerOptions, TopicName, TopicPartitionOffset } from '../core/queue';

/** Every logical topic, in a stable order. */
export const TOPIC_NAMES: readonly TopicName[] = ['items', 'feedback', 'dead-letters', 'reembed-tasks', 'reembed-done'];

/**
 * Throws a clear error naming the field when `topic` is not a logical topic name.
 *
 * @example
 * assertTopicName('items', 'topic'); // ok
 * assertTopicName('itmes', 'topic'); // throws: topic: unknown topic "itmes" (expected one of ...)
 */
export function assertTopicName(topic: unknown, field: string): asserts topic is TopicName {
  if (!TOPIC_NAMES.includes(topic as TopicName)) {
    throw new TypeError(`${field}: unknown topic ${JSON.stringify(topic)} (expected one of ${TOPIC_NAMES.join(', ')})`);
  }
}

/**
 * Validates records before they are published, naming the offending field.
 *
 * @example
 * assertOutgoingRecords([{ key: 'item-1', value: '{}' }]);
 */
export function assertOutgoingRecords(records: unknown): asserts records is OutgoingRecord[] {
  if (!Array.isArray(records)) throw new TypeError('records: expected an array');
  records.forEach((record: Partial<OutgoingRecord>, i) => {
    if (record === null || typeof record !== 'object') throw new TypeError(`records[${i}]: expected an object`);
    if (typeof record.key !== 'string') throw new TypeError(`records[${i}].key: expected a string`);
    if (typeof record.value !== 'string') throw new TypeError(`records[${i}].value: expected a string`);
    if (record.headers !== undefined) {
      if (record.headers === null || typeof record.headers !== 'object') {
        throw new TypeError(`records[${i}].headers: expected an object of strings`);
      }
      for (const [name, value] of Object.entries(record.headers)) {
        if (typeof value !== 'string') throw new TypeError(`records[${i}].headers.${name}: expected a string`);
      }
    }
  });
}

/**
 * Parses an offset given as a decimal string into a safe non-negative integer.
 *
 * @example
 * parseOffset({ topic: 'items', partition: 0, offset: '42' }, 'commit[0]'); // 42
 */
export function parseOffset(entry: TopicPartitionOffset, field: string): number {
  assertTopicName(entry?.topic, `${field}.topic`);
  if (!Number.isInteger(entry.partition) || entry.partition < 0) {
    throw new TypeError(`${field}.partition: expected a non-negative integer, got ${JSON.stringify(entry.partition)}`);
  }
  const offset = typeof entry.offset === 'string' && /^\d+$/.test(entry.offset) ? Number(entry.offset) : NaN;
  if (!Number.isSafeInteger(offset)) {
    throw new TypeError(`${field}.offset: expected a non-negative decimal string, got ${JSON.stringify(entry.offset)}`);
  }
  return offset;
}

/**
 * Validates a consumer's options, naming the offending field.
 *
 * @example
 * assertConsumerOptions({ group: 'trainer', topics: ['items', 'feedback'] });
 */
export function assertConsumerOptions(options: QueueConsumerOptions): void {
  if (typeof options?.group !== 'string' || options.group === '') throw new TypeError('group: expected a non-empty string');
  if (!Array.isArray(options.topics) || options.topics.length === 0) throw new TypeError('topics: expected a non-empty array');
  options.topics.forEach((t, i) => assertTopicName(t, `topics[${i}]`));
}

/**
 * Adds `consumer` to `open` and makes its `close` remove it again, so a queue can close the
 * consumers still open when it closes itself.
 *
 * @example
 * return trackOpenConsumer(consumers, await EmbeddedConsumer.open(store, options));
 */
export function trackOpenConsumer<C extends Pick<QueueConsumer, 'close'>>(open: Set<Pick<QueueConsumer, 'close'>>, consumer: C): C {
  open.add(consumer);
  const close = consumer.close.bind(consumer);
  consumer.close = async () => {
    open.delete(consumer);
    await close();
  };
  return consumer;
}
