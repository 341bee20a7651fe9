import { Admin, findErrorBy, type MessageToProduce, type Producer } from '@platformatic/kafka';
import type { Queue, QueueConsumer, QueueHealth, TopicName, TopicReader } from '../../core/queue';
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
import { PlatformaticPullConsumer } from './platformatic-pull-consumer';
import { platformaticGroupLag } from './platformatic-group-lag';
import { startPlatformaticTopicReader } from './platformatic-topic-reader';
import { waitForPartitionLeaders } from './wait-for-partition-leaders';
import { durableProducer } from './durable-producer';
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
  const settings = kafkaQueueSettingsOf(options);
  const { brokers, clientId, partitions, replicationFactor, writeDeadlineMs, producerCount, topicOf } = settings;
  const log = createLogger('queue.kafka');
  installPromiseWithResolvers();

  // Bounded so that an unreachable broker fails a call in seconds rather than minutes.
  const admin = new Admin({ clientId, bootstrapBrokers: brokers, connectTimeout: 1000, timeout: Math.max(1000, writeDeadlineMs), retries: 4, retryDelay: 200 });
  const producers = new ProducerLanes<Producer<string, string, string, string>>(producerCount, (producer) => producer.close(true).catch(() => undefined));
  const unsettledSends = new UnsettledSends();
  let closed = false;
  const consumers = new Set<QueueConsumer | TopicReader>();

  function producerOf(lane: number): Producer<string, string, string, string> {
    return producers.get(
      lane,
      () => durableProducer(clientId, brokers, { connectTimeout: 1000, timeout: Math.max(1000, writeDeadlineMs), retries: 3, retryDelay: 100 }),
    );
  }

  const send = createProduceGroupCommit({
    settings,
    lanes: producers,
    producer: (lane) => producerOf(lane),
    send: (p, chunk) => p.send({ messages: messagesOf(chunk, topicOf) }),
    sends: unsettledSends,
    isTooLarge: (error) => Boolean(findErrorBy(error as Error, 'apiId', 'MESSAGE_TOO_LARGE')),
    log,
  });

  const consumerContext = { brokers, clientId, admin, topicOf, log };

  return {
    replayPartitions: partitions,
    async init() {
      const topics = {
        listTopics: () => admin.listTopics(),
        createTopics: async (missing: string[]) => {
          await admin.createTopics({ topics: missing, partitions, replicas: replicationFactor });
        },
        waitForLeaders: (missing: string[]) => waitForPartitionLeaders(admin, missing),
      };
      await createMissingTopics(topics, { topicOf, partitions }, log);
    },

    publish: publishBeforeDeadline({ send, writeDeadlineMs, isClosed: () => closed, log }),

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
      return brokerHealth(unsettledSends.oldestMs(), writeDeadlineMs, async () => admin, async (a) => (await a.metadata({ topics: [], forceUpdate: true })).brokers.size);
    },

    async close() {
      if (closed) return;
      closed = true;
      await drainAndClose(send, consumers, producers);
      await admin.close().catch(() => undefined);
    },
  };
}

/** One produce request's records as @platformatic/kafka messages, on their physical topics. */
function messagesOf(chunk: ChunkedRecord[], topicOf: (t: TopicName) => string): StringMessage[] {
  return chunk.map(({ topic, record: r }) => ({ topic: topicOf(topic), key: r.key, value: r.value, headers: r.headers }));
}
