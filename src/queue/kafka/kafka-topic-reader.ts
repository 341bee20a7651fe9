import { randomUUID } from 'node:crypto';
import type { TopicName, TopicReader } from '../../core/queue';
import { KafkaPullConsumer, type KafkaPullConsumerOptions } from './kafka-pull-consumer';

/**
 * A `TopicReader` on Kafka: a pull consumer alone in a group of its own that never commits, so
 * it is assigned every partition and starts at the earliest offset. The broker forgets the
 * group once the reader closes (it holds no committed offsets).
 *
 * @example
 * const reader = await startKafkaTopicReader({ kafka, admin, topicOf, log, clientId: 'discern' }, 'dead-letters');
 * const records = await reader.poll(500, 1000);
 */
export async function startKafkaTopicReader(
  options: Pick<KafkaPullConsumerOptions, 'kafka' | 'admin' | 'topicOf' | 'log'> & { clientId: string },
  topic: TopicName,
): Promise<TopicReader> {
  const { clientId, ...rest } = options;
  const consumer = await KafkaPullConsumer.start({ ...rest, group: `${clientId}.reader.${topic}.${randomUUID()}`, topics: [topic] });
  return {
    poll: (maxRecords, timeoutMs) => consumer.poll(maxRecords, timeoutMs),
    close: () => consumer.close(),
  };
}
