import { Admin, Producer, compatibilityPartitioner, findErrorBy, stringSerializers, type MessageToProduce } from '@platformatic/kafka';
import type { OutgoingRecord, Queue, QueueConsumer, QueueHealth, TopicName, TopicReader } from '../../core/queue';
import { QueueUnavailableError } from '../../core/queue';
import { createLogger } from '../../log/logger';
import { WriteDeadlineError, createGroupCommit } from '../group-commit';
import type { KafkaQueueOptions } from '../kafka/kafka-queue';
import { TOPIC_NAMES, assertConsumerOptions, assertOutgoingRecords, assertTopicName, trackOpenConsumer } from '../topics';
import { stalledWriteHealth, writeOptionsOf } from '../write-options';
import { PlatformaticPullConsumer } from './platformatic-pull-consumer';
import { platformaticGroupLag } from './platformatic-group-lag';
import { startPlatformaticTopicReader } from './platformatic-topic-reader';
import { waitForPartitionLeaders } from './wait-for-partition-leaders';
import { installPromiseWithResolvers } from './promise-with-resolvers';

type StringMessage = MessageToProduce<string, string, string, string>;

/**
 * The `Queue` port on Apache Kafka through @platformatic/kafka, with the same behaviour as the
 * kafkajs adapter: idempotent producers with acks=all; concurrent publishes share one produce
 * request (group commit, with a linger of `lingerMs`), `producers` requests in flight at once;
 * a publish not acknowledged within `writeDeadlineMs` rejects with `QueueUnavailableError` and
 * its producer is replaced, so a batch whose fate is unknown can never be mistaken for a
 * duplicate of a later one by the broker's sequence check (such a batch may still land). Keys go
 * to partitions as the Java client and kafkajs place them (murmur2, sign bit cleared).
 *
 * @example
 * const queue = createPlatformaticKafkaQueue({ brokers: ['127.0.0.1:9092'], clientId: 'discern-api', partitions: 6 });
 * await queue.init();
 * await queue.publish('feedback', [{ key: 'item-7', value: '{"anchor":"item-7"}' }]);
 */
export function createPlatformaticKafkaQueue(options: KafkaQueueOptions): Queue {
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
  const { brokers, clientId } = options;
  installPromiseWithResolvers();

  // Bounded so that an unreachable broker fails a call in seconds rather than minutes.
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, connectTimeout: 1000, timeout: Math.max(1000, writeDeadlineMs), retries: 4, retryDelay: 200 });
  /** One producer per lane of the group commit, so each has at most one request in flight. */
  const producers: (Producer<string, string, string, string> | undefined)[] = new Array(producerCount).fill(undefined);
  /** Start times of produce requests not yet settled, including those given up at the deadline. */
  const unsettledSends = new Map<symbol, number>();
  let closed = false;
  const consumers = new Set<QueueConsumer | TopicReader>();

  function producerOf(lane: number): Producer<string, string, string, string> {
    producers[lane] ??= new Producer<string, string, string, string>({
      clientId,
      bootstrapBrokers: brokers,
      idempotent: true,
      acks: -1,
      autocreateTopics: false,
      serializers: stringSerializers,
      partitioner: compatibilityPartitioner,
      connectTimeout: 1000,
      timeout: Math.max(1000, writeDeadlineMs),
      retries: 3,
      retryDelay: 100,
    });
    return producers[lane];
  }

  /** Abandons a lane's producer once `inFlight` settles; the next publish there starts a fresh producer id. */
  function discardProducer(lane: number, inFlight: Promise<unknown>): void {
    const old = producers[lane];
    producers[lane] = undefined;
    void inFlight
      .catch(() => undefined)
      .then(() => old?.close(true))
      .catch(() => undefined);
  }

  /** Sends one produce request, tracked until it settles so that health can report a stall. */
  function trackedSend(p: Producer<string, string, string, string>, messages: StringMessage[]): Promise<unknown> {
    const token = Symbol('send');
    unsettledSends.set(token, performance.now());
    const sent = p.send({ messages });
    sent.then(
      () => unsettledSends.delete(token),
      () => unsettledSends.delete(token),
    );
    return sent;
  }

  const send = createGroupCommit<{ topic: TopicName; records: OutgoingRecord[] }>(
    async (batches, lane) => {
      for (const chunk of messageChunks(batches, topicOf, maxRequestBytes)) {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no acknowledgement within ${writeDeadlineMs} ms`)), writeDeadlineMs);
        });
        let sent: Promise<unknown> | undefined;
        try {
          sent = trackedSend(producerOf(lane), chunk);
          await Promise.race([sent, timeout]);
        } catch (error) {
          discardProducer(lane, sent ?? Promise.resolve());
          if (findErrorBy(error as Error, 'apiId', 'MESSAGE_TOO_LARGE')) {
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

  const consumerContext = { brokers, clientId, admin, topicOf, log };

  return {
    replayPartitions: partitions,
    async init() {
      const existing = new Set(await admin.listTopics());
      const missing = TOPIC_NAMES.map(topicOf).filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({ topics: missing, partitions, replicas: options.replicationFactor ?? 1 });
        await waitForPartitionLeaders(admin, missing);
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

    async consumer(consumerOptions) {
      assertConsumerOptions(consumerOptions);
      return trackOpenConsumer(consumers, await PlatformaticPullConsumer.start({ ...consumerOptions, ...consumerContext }));
    },

    async reader(topic: TopicName) {
      assertTopicName(topic, 'topic');
      return trackOpenConsumer(consumers, await startPlatformaticTopicReader(consumerContext, topic));
    },

    async committedLag(group: string, topics: TopicName[]) {
      assertConsumerOptions({ group, topics });
      return platformaticGroupLag(admin, topicOf, group, topics);
    },

    async health(): Promise<QueueHealth> {
      const stalled = stalledWriteHealth(oldestUnsettledSendMs(), writeDeadlineMs);
      if (stalled) return stalled;
      try {
        let timer: NodeJS.Timeout | undefined;
        const { brokers: known } = await Promise.race([
          admin.metadata({ topics: [], forceUpdate: true }),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 3000 ms')), 3000))),
        ]).finally(() => clearTimeout(timer));
        return { ok: true, detail: `${known.size} broker(s)` };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      await send.idle();
      for (const consumer of [...consumers]) await consumer.close();
      for (const producer of producers) await producer?.close(true).catch(() => undefined);
      await admin.close().catch(() => undefined);
    },
  };
}

/** Splits queued publishes, in order, into produce requests of at most ~`maxBytes` payload. */
function messageChunks(batches: { topic: TopicName; records: OutgoingRecord[] }[], topicOf: (t: TopicName) => string, maxBytes: number): StringMessage[][] {
  const chunks: StringMessage[][] = [];
  let current: StringMessage[] = [];
  let bytes = 0;
  for (const { topic, records } of batches) {
    const name = topicOf(topic);
    for (const r of records) {
      // Per-record overhead in a v2 record batch is ~20 bytes; 64 keeps the estimate safe.
      let size = 64 + Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
      for (const [header, value] of Object.entries(r.headers ?? {})) size += Buffer.byteLength(header) + Buffer.byteLength(value) + 8;
      if (bytes > 0 && bytes + size > maxBytes) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push({ topic: name, key: r.key, value: r.value, headers: r.headers });
      bytes += size;
    }
  }
  if (bytes > 0) chunks.push(current);
  return chunks;
}
