import { Kafka, type Admin, type Producer, type TopicMessages } from 'kafkajs';
import type { OutgoingRecord, Queue, QueueConsumer, QueueConsumerOptions, QueueHealth, TopicName, TopicReader } from '../../core/queue';
import { QueueUnavailableError } from '../../core/queue';
import { createLogger } from '../../log/logger';
import { WriteDeadlineError, createGroupCommit } from '../group-commit';
import { stalledWriteHealth, writeOptionsOf, type WriteOptions } from '../write-options';
import { TOPIC_NAMES, assertConsumerOptions, assertOutgoingRecords, assertTopicName, trackOpenConsumer } from '../topics';
import { KafkaPullConsumer } from './kafka-pull-consumer';
import { kafkaGroupLag } from './kafka-group-lag';
import { startKafkaTopicReader } from './kafka-topic-reader';
import { waitForTopicLeaders } from './wait-for-topic-leaders';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log-creator';
import { murmur2Partitioner } from './murmur2-partitioner';

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
   * since kafkajs sends one request per broker at a time for an idempotent producer. Publishes
   * running at the same time may then land in either order; a publish that resolved is always
   * ordered before one started after it.
   */
  producers?: number;
  /**
   * Approximate payload bytes per produce request (default 768 KiB). Larger publishes are sent
   * as several requests in order, keeping each partition's record batch under the broker's
   * default `message.max.bytes` (1 MiB).
   */
  maxRequestBytes?: number;
}

/**
 * The `Queue` port on Apache Kafka through kafkajs. Publishes go through idempotent producers
 * with acks=all. Concurrent publishes share one produce request (group commit, with a linger of
 * `lingerMs`); `producers` requests may be in flight at once. A publish not acknowledged within
 * `writeDeadlineMs` rejects with `QueueUnavailableError`; the producer that sent it is then
 * replaced, so a batch whose fate is unknown can never be mistaken for a duplicate of a later
 * one by the broker's sequence check. Such a batch may still land in the topic.
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
  const { writeDeadlineMs, lingerMs } = writeOptionsOf(options);
  const producerCount = options.producers ?? 1;
  if (!Number.isInteger(producerCount) || producerCount < 1) throw new TypeError(`producers: expected a positive integer, got ${producerCount}`);
  const maxRequestBytes = options.maxRequestBytes ?? 768 * 1024;
  const log = createLogger('queue.kafka');
  const topicOf = (topic: TopicName) => `${prefix}.${topic}`;

  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 1000,
    requestTimeout: Math.max(1000, writeDeadlineMs),
    // Bounded so that an unreachable broker fails a call in seconds rather than minutes.
    retry: { retries: 4, initialRetryTime: 100, maxRetryTime: 1000 },
    logLevel: kafkaLogLevel(log),
    logCreator: kafkaLogCreator(log),
  });

  let admin: Promise<Admin> | undefined;
  /** One producer per lane of the group commit, so each has at most one request in flight. */
  const producers: (Promise<Producer> | undefined)[] = new Array(producerCount).fill(undefined);
  /** Start times of produce requests not yet settled, including those given up at the deadline. */
  const unsettledSends = new Map<symbol, number>();
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

  function connectedProducer(lane: number): Promise<Producer> {
    const existing = producers[lane];
    if (existing) return existing;
    const producer = (async () => {
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
    })();
    producers[lane] = producer;
    producer.catch(() => {
      if (producers[lane] === producer) producers[lane] = undefined;
    });
    return producer;
  }

  /** Abandons a lane's producer once `inFlight` settles; the next publish there starts a fresh producer id. */
  function discardProducer(lane: number, inFlight: Promise<unknown>): void {
    const old = producers[lane];
    producers[lane] = undefined;
    void inFlight
      .catch(() => undefined)
      .then(() => old)
      .then((p) => p?.disconnect())
      .catch(() => undefined);
  }

  /** Sends one produce request, tracked until it settles so that health can report a stall. */
  function trackedSend(p: Producer, chunk: TopicMessages[]): Promise<unknown> {
    const token = Symbol('send');
    unsettledSends.set(token, performance.now());
    const sent = p.sendBatch({ topicMessages: chunk, acks: -1 });
    sent.then(
      () => unsettledSends.delete(token),
      () => unsettledSends.delete(token),
    );
    return sent;
  }

  const send = createGroupCommit<{ topic: TopicName; records: OutgoingRecord[] }>(
    async (batches, lane) => {
      for (const chunk of chunksOf(batches, topicOf, maxRequestBytes)) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no acknowledgement within ${writeDeadlineMs} ms`)), writeDeadlineMs);
        });
        let sent: Promise<unknown> | undefined;
        try {
          const p = await Promise.race([connectedProducer(lane), timeout]);
          sent = trackedSend(p, chunk);
          await Promise.race([sent, timeout]);
        } catch (error) {
          discardProducer(lane, sent ?? Promise.resolve());
          if ((error as { type?: string }).type === 'MESSAGE_TOO_LARGE') {
            throw new RangeError(`records: a record is larger than the broker accepts (message.max.bytes)`, { cause: error });
          }
          log.warn({ err: error }, 'publish failed');
          throw new QueueUnavailableError(`Kafka did not accept the records: ${(error as Error).message}`, 5, { cause: error });
        } finally {
          clearTimeout(timer);
        }
      }
    },
    { lingerMs, maxInFlight: producerCount },
  );

  function oldestUnsettledSendMs(): number {
    let oldest = Infinity;
    for (const started of unsettledSends.values()) oldest = Math.min(oldest, started);
    return oldest === Infinity ? 0 : performance.now() - oldest;
  }

  return {
    replayPartitions: partitions,
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
      try {
        await send.add({ topic, records }, { deadlineMs: writeDeadlineMs });
      } catch (error) {
        if (error instanceof WriteDeadlineError) {
          log.warn({ topic, records: records.length, mayStillLand: error.mayStillLand }, 'publish missed its write deadline');
          throw new QueueUnavailableError(`Kafka did not acknowledge the records: ${error.message}`, Math.max(1, Math.ceil(writeDeadlineMs / 1000)), { cause: error });
        }
        throw error;
      }
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
      const stalled = stalledWriteHealth(oldestUnsettledSendMs(), writeDeadlineMs);
      if (stalled) return stalled;
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
      for (const producer of producers) await (await producer?.catch(() => undefined))?.disconnect();
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
