import { Kafka, type Admin, type Producer, type TopicMessages } from 'kafkajs';
import type { OutgoingRecord, Queue, QueueConsumer, QueueConsumerOptions, QueueHealth, TopicName, TopicReader } from '../../core/queue';
import { QueueUnavailableError } from '../../core/queue';
import { createLogger } from '../../log/logger';
import { createGroupCommit } from '../group-commit';
import { TOPIC_NAMES, assertConsumerOptions, assertOutgoingRecords, assertTopicName, trackOpenConsumer } from '../topics';
import { KafkaPullConsumer } from './kafka-pull-consumer';
import { kafkaGroupLag } from './kafka-group-lag';
import { startKafkaTopicReader } from './kafka-topic-reader';
import { waitForTopicLeaders } from './wait-for-topic-leaders';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log-creator';
import { murmur2Partitioner } from './murmur2-partitioner';

export interface KafkaQueueOptions {
  /** Bootstrap brokers, e.g. `['127.0.0.1:9092']`. */
  brokers: string[];
  clientId: string;
  /** Topics are named `<topicPrefix>.<topic>`, e.g. `discern.items` (default `discern`). */
  topicPrefix?: string;
  /** Partitions of topics created by `init()` (default 3). */
  partitions?: number;
  /** Replication factor of topics created by `init()` (default 1). */
  replicationFactor?: number;
  /** Upper bound on one produce request, retries included, before `QueueUnavailableError` (default 5000). */
  publishTimeoutMs?: number;
  /**
   * Approximate payload bytes per produce request (default 768 KiB). Larger publishes are sent
   * as several requests in order, keeping each partition's record batch under the broker's
   * default `message.max.bytes` (1 MiB).
   */
  maxRequestBytes?: number;
}

/**
 * The `Queue` port on Apache Kafka through kafkajs. Publishes go through an idempotent
 * producer with acks=all; concurrent publishes are coalesced into one produce request, one
 * in flight at a time, so per-key order holds across them. A publish that cannot be
 * acknowledged within `publishTimeoutMs` rejects with `QueueUnavailableError`; the producer is
 * then replaced, so a batch whose fate is unknown can never be mistaken for a duplicate of a
 * later one by the broker's sequence check.
 *
 * @example
 * const queue = createKafkaQueue({ brokers: ['127.0.0.1:9092'], clientId: 'discern-api', partitions: 6 });
 * await queue.init();
 * await queue.publish('feedback', [{ key: 'item-7', value: '{"anchor":"item-7"}' }]);
 */
export function createKafkaQueue(options: KafkaQueueOptions): Queue {
  if (!Array.isArray(options?.brokers) || options.brokers.length === 0 || !options.brokers.every((b) => typeof b === 'string' && /.+:\d+$/.test(b))) {
    throw new TypeError('brokers: expected a non-empty list of host:port strings');
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new TypeError('clientId: expected a non-empty string');
  const prefix = options.topicPrefix ?? 'discern';
  if (!/^[A-Za-z0-9._-]+$/.test(prefix)) throw new TypeError(`topicPrefix: only letters, digits, ".", "_" and "-" are allowed, got ${JSON.stringify(prefix)}`);
  const partitions = options.partitions ?? 3;
  if (!Number.isInteger(partitions) || partitions < 1) throw new TypeError(`partitions: expected a positive integer, got ${partitions}`);
  const publishTimeoutMs = options.publishTimeoutMs ?? 5000;
  const maxRequestBytes = options.maxRequestBytes ?? 768 * 1024;
  const log = createLogger('queue.kafka');
  const topicOf = (topic: TopicName) => `${prefix}.${topic}`;

  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 1000,
    requestTimeout: Math.max(1000, publishTimeoutMs),
    // Bounded so that an unreachable broker fails a call in seconds rather than minutes.
    retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: kafkaLogLevel(log),
    logCreator: kafkaLogCreator(log),
  });

  let admin: Promise<Admin> | undefined;
  let producer: Promise<Producer> | undefined;
  let closed = false;
  const consumers = new Set<QueueConsumer | TopicReader>();

  function connectedAdmin(): Promise<Admin> {
    admin ??= (async () => {
      const a = kafka.admin({ retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 } });
      await a.connect();
      return a;
    })().catch((error) => {
      admin = undefined;
      throw error;
    });
    return admin;
  }

  function connectedProducer(): Promise<Producer> {
    producer ??= (async () => {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Same placement as kafkajs's DefaultPartitioner (and the Java client), at a fraction of its CPU.
        createPartitioner: murmur2Partitioner,
        retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
      });
      await p.connect();
      return p;
    })().catch((error) => {
      producer = undefined;
      throw error;
    });
    return producer;
  }

  /** Abandons the current producer; the next publish starts one with a fresh producer id. */
  function discardProducer(): void {
    const old = producer;
    producer = undefined;
    void old?.then((p) => p.disconnect()).catch(() => undefined);
  }

  const send = createGroupCommit<{ topic: TopicName; records: OutgoingRecord[] }>(async (batches) => {
    for (const chunk of chunksOf(batches, topicOf, maxRequestBytes)) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${publishTimeoutMs} ms`)), publishTimeoutMs);
      });
      try {
        const p = await Promise.race([connectedProducer(), timeout]);
        await Promise.race([p.sendBatch({ topicMessages: chunk, acks: -1 }), timeout]);
      } catch (error) {
        discardProducer();
        if ((error as { type?: string }).type === 'MESSAGE_TOO_LARGE') {
          throw new RangeError(`records: a record is larger than the broker accepts (message.max.bytes)`, { cause: error });
        }
        log.warn({ err: error }, 'publish failed');
        throw new QueueUnavailableError(`Kafka did not accept the records: ${(error as Error).message}`, 5, { cause: error });
      } finally {
        clearTimeout(timer);
      }
    }
  });

  return {
    async init() {
      const a = await connectedAdmin();
      const existing = new Set(await a.listTopics());
      const missing = TOPIC_NAMES.map(topicOf).filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await a.createTopics({
          waitForLeaders: false,
          topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: options.replicationFactor ?? 1 })),
        });
        await waitForTopicLeaders(a, missing);
        log.info({ topics: missing, partitions }, 'created topics');
      }
    },

    async publish(topic: TopicName, records: OutgoingRecord[]) {
      assertTopicName(topic, 'topic');
      assertOutgoingRecords(records);
      if (closed) throw new QueueUnavailableError('queue is closed');
      if (records.length === 0) return;
      await send.add({ topic, records });
    },

    async consumer(consumerOptions: QueueConsumerOptions) {
      assertConsumerOptions(consumerOptions);
      return trackOpenConsumer(consumers, await KafkaPullConsumer.start({ ...consumerOptions, kafka, admin: await connectedAdmin(), topicOf, log }));
    },

    async reader(topic: TopicName) {
      assertTopicName(topic, 'topic');
      return trackOpenConsumer(consumers, await startKafkaTopicReader({ kafka, admin: await connectedAdmin(), topicOf, log, clientId: options.clientId }, topic));
    },

    async committedLag(group: string, topics: TopicName[]) {
      assertConsumerOptions({ group, topics });
      return kafkaGroupLag(await connectedAdmin(), topicOf, group, topics);
    },

    async health(): Promise<QueueHealth> {
      try {
        const a = await connectedAdmin();
        let timer: NodeJS.Timeout | undefined;
        const { brokers } = await Promise.race([
          a.describeCluster(),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 3000 ms')), 3000))),
        ]).finally(() => clearTimeout(timer));
        return { ok: true, detail: `${brokers.length} broker(s)` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await send.idle();
      for (const consumer of [...consumers]) await consumer.close();
      await (await producer?.catch(() => undefined))?.disconnect();
      await (await admin?.catch(() => undefined))?.disconnect();
    },
  };
}

/** Splits queued publishes, in order, into produce requests of at most ~`maxBytes` payload. */
function chunksOf(batches: { topic: TopicName; records: OutgoingRecord[] }[], topicOf: (t: TopicName) => string, maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let current = new Map<string, TopicMessages>();
  let bytes = 0;
  for (const { topic, records } of batches) {
    for (const r of records) {
      // Per-record overhead in a v2 record batch is ~20 bytes; 64 keeps the estimate safe.
      let size = 64 + Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
      for (const [name, value] of Object.entries(r.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
      if (bytes > 0 && bytes + size > maxBytes) {
        chunks.push([...current.values()]);
        current = new Map();
        bytes = 0;
      }
      let entry = current.get(topic);
      if (!entry) current.set(topic, (entry = { topic: topicOf(topic), messages: [] }));
      entry.messages.push({ key: r.key, value: r.value, headers: r.headers });
      bytes += size;
    }
  }
  if (bytes > 0) chunks.push([...current.values()]);
  return chunks;
}
