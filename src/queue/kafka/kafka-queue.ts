import { Kafka, type Admin, type Producer, type TopicMessages } from 'kafkajs';
import type { Queue, QueueConsumer, QueueConsumerOptions, QueueHealth, TopicName, TopicReader } from '../../core/queue';
import { createLogger } from '../../log/logger';
import { assertConsumerOptions, assertTopicName, trackOpenConsumer } from '../topics';
import { brokerHealth } from '../kafka-common/broker-health';
import { createMissingTopics } from '../kafka-common/create-missing-topics';
import { drainAndClose } from '../kafka-common/drain-and-close';
import { kafkaQueueSettingsOf, type KafkaQueueOptions } from '../kafka-common/kafka-queue-options';
import { createProduceGroupCommit } from '../kafka-common/produce-group-commit';
import { ProducerLanes } from '../kafka-common/producer-lanes';
import { publishBeforeDeadline } from '../kafka-common/publish-before-deadline';
import type { ChunkedRecord } from '../kafka-common/record-chunks';
import { UnsettledSends } from '../kafka-common/unsettled-sends';
import { KafkaPullConsumer } from './kafka-pull-consumer';
import { kafkaGroupLag } from './kafka-group-lag';
import { startKafkaTopicReader } from './kafka-topic-reader';
import { waitForTopicLeaders } from './wait-for-topic-leaders';
import { kafkaLogCreator, kafkaLogLevel } from './kafka-log-creator';
import { murmur2Partitioner } from './murmur2-partitioner';

export type { KafkaQueueOptions };

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
  const settings = kafkaQueueSettingsOf(options);
  const { partitions, replicationFactor, writeDeadlineMs, producerCount, topicOf } = settings;
  const log = createLogger('queue.kafka');

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
  const producers = new ProducerLanes<Promise<Producer>>(producerCount, async (producer) => (await producer.catch(() => undefined))?.disconnect());
  const unsettledSends = new UnsettledSends();
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
    return producers.get(lane, () => {
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
      producer.catch(() => producers.forget(lane, producer));
      return producer;
    });
  }

  const send = createProduceGroupCommit({
    settings,
    lanes: producers,
    producer: (lane) => connectedProducer(lane),
    send: (p, chunk) => p.sendBatch({ topicMessages: topicMessagesOf(chunk, topicOf), acks: -1 }),
    sends: unsettledSends,
    isTooLarge: (error) => (error as { type?: string }).type === 'MESSAGE_TOO_LARGE',
    log,
  });

  return {
    replayPartitions: partitions,
    async init() {
      const a = await connectedAdmin();
      const topics = {
        listTopics: () => a.listTopics(),
        createTopics: async (missing: string[]) => {
          await a.createTopics({ waitForLeaders: false, topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })) });
        },
        waitForLeaders: (missing: string[]) => waitForTopicLeaders(a, missing),
      };
      await createMissingTopics(topics, { topicOf, partitions }, log);
    },

    publish: publishBeforeDeadline({ send, writeDeadlineMs, isClosed: () => closed, log }),

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
      return brokerHealth(unsettledSends.oldestMs(), writeDeadlineMs, connectedAdmin, async (a) => (await a.describeCluster()).brokers.length);
    },

    async close() {
      if (closed) return;
      closed = true;
      await drainAndClose(send, consumers, producers);
      await (await admin?.catch(() => undefined))?.disconnect();
    },
  };
}

/** One produce request's records, grouped by physical topic in the order each topic first appears. */
function topicMessagesOf(chunk: ChunkedRecord[], topicOf: (t: TopicName) => string): TopicMessages[] {
  const byTopic = new Map<TopicName, TopicMessages>();
  for (const { topic, record: r } of chunk) {
    let entry = byTopic.get(topic);
    if (!entry) byTopic.set(topic, (entry = { topic: topicOf(topic), messages: [] }));
    entry.messages.push({ key: r.key, value: r.value, headers: r.headers });
  }
  return [...byTopic.values()];
}
