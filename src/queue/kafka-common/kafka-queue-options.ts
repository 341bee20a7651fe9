import type { TopicName } from '../../core/queue';
import { writeOptionsOf, type WriteOptions } from '../write-options';

export interface KafkaQueueOptions extends WriteOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  clientId: string;
  /** Topics are named `<topicPrefix>.<topic>`, e.g. `discern.items` (default `discern`). */
  topicPrefix?: string;
  /** Partitions of topics created by `init()` (default 3). */
  partitions?: number;
  /** Replication factor of topics created by `init()` (default 1). */
  replicationFactor?: number;
  /**
   * Produce requests in flight at once (default 1). Each runs on its own idempotent producer,
   * since an idempotent producer sends one request per broker at a time. Publishes running at
   * the same time may then land in either order; a publish that resolved is always ordered
   * before one started after it.
   */
  producers?: number;
  /**
   * Approximate payload bytes per produce request (default 768 KiB). Larger publishes are sent
   * as several requests in order, keeping each partition's record batch under the broker's
   * default `message.max.bytes` (1 MiB).
   */
  maxRequestBytes?: number;
}

/** `KafkaQueueOptions` checked, with every default filled in. */
export interface KafkaQueueSettings {
  brokers: string[];
  clientId: string;
  partitions: number;
  replicationFactor: number;
  writeDeadlineMs: number;
  lingerMs: number;
  producerCount: number;
  maxRequestBytes: number;
  /** Physical topic name of a logical one (with the configured prefix). */
  topicOf: (topic: TopicName) => string;
}

/**
 * Checks `KafkaQueueOptions` (naming the offending field) and fills in the defaults.
 *
 * @example
 * const { topicOf, partitions } = kafkaQueueSettingsOf({ brokers: ['127.0.0.1:9092'], clientId: 'discern-api' });
 * topicOf('feedback'); // 'discern.feedback'; partitions: 3
 */
export function kafkaQueueSettingsOf(options: KafkaQueueOptions): KafkaQueueSettings {
  if (!Array.isArray(options?.brokers) || options.brokers.length === 0 || !options.brokers.every((b) => typeof b === 'string' && /.+:\d+$/.test(b))) {
    throw new TypeError('brokers: expected a non-empty list of host:port strings');
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId: expected a non-empty string');
  const prefix = options.topicPrefix ?? 'discern';
  if (!/^[A-Za-z0-9._-]+$/.test(prefix)) throw new TypeError(`topicPrefix: only letters, digits, ".", "_" and "-" are allowed, got ${JSON.stringify(prefix)}`);
  const partitions = options.partitions ?? 3;
  if (!Number.isInteger(partitions) || partitions < 1) throw new TypeError(`partitions: expected a positive integer, got ${partitions}`);
  const { writeDeadlineMs, lingerMs } = writeOptionsOf(options);
  const producerCount = options.producers ?? 1;
  if (!Number.isInteger(producerCount) || producerCount < 1) throw new TypeError(`producers: expected a positive integer, got ${producerCount}`);
  return {
    brokers: options.brokers,
    clientId: options.clientId,
    partitions,
    replicationFactor: options.replicationFactor ?? 1,
    writeDeadlineMs,
    lingerMs,
    producerCount,
    maxRequestBytes: options.maxRequestBytes ?? 768 * 1024,
    topicOf: (topic: TopicName) => `${prefix}.${topic}`,
  };
}
