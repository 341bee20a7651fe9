import type { Queue } from '../core/queue';
import { createEmbeddedQueue } from './embedded/embedded-queue';
import { createKafkaQueue } from './kafka/kafka-queue';
import { createPlatformaticKafkaQueue } from './platformatic-kafka/platformatic-kafka-queue';
import type { WriteOptions } from './write-options';

/** Kafka client libraries the Kafka adapter can run on. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];

export type QueueConfig = WriteOptions &
  (
    | {
        kind: 'kafka';
        /** Bootstrap brokers, `host:port` each. */
        brokers: string[];
        clientId: string;
        /** Topics are `<topicPrefix>.items`, `.feedback`, `.dead-letters` (default `discern`). */
        topicPrefix?: string;
        /** Partitions of topics created by `init()` (default 3). */
        partitions?: number;
        /** Produce requests in flight at once, each on its own idempotent producer (default 1). */
        producers?: number;
        /** Kafka client library behind the adapter: `platformatic` (@platformatic/kafka, default) or `kafkajs`. */
        client?: KafkaClient;
      }
    | {
        kind: 'embedded';
        /** Directory of the logs and offsets, e.g. `<DISCERN_DATA_DIR>/queue`. */
        dir: string;
        /** Partitions per topic when first created (default 1). */
        partitions?: number;
      }
  );

/**
 * Builds the configured `Queue` adapter; the one place that chooses between them.
 *
 * @example
 * const queue = createQueue(process.env.KAFKA_BROKERS
 *   ? { kind: 'kafka', brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'discern' }
 *   : { kind: 'embedded', dir: join(dataDir, 'queue') });
 * await queue.init();
 */
export function createQueue(config: QueueConfig): Queue {
  switch (config?.kind) {
    case 'kafka': {
      const { client = 'platformatic', ...options } = config;
      if (client === 'platformatic') return createPlatformaticKafkaQueue(options);
      if (client === 'kafkajs') return createKafkaQueue(options);
      throw new TypeError(`client: expected one of ${KAFKA_CLIENTS.join(', ')}, got ${JSON.stringify(client)}`);
    }
    case 'embedded':
      return createEmbeddedQueue(config);
    default:
      throw new TypeError(`kind: expected "kafka" or "embedded", got ${JSON.stringify((config as { kind?: unknown })?.kind)}`);
  }
}

export { TOPIC_NAMES } from './topics';
