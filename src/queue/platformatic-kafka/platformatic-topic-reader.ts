import { randomUUID } from 'node:crypto';
import type { TopicName, TopicReader } from '../../core/queue';
import { PlatformaticPullConsumer, type PlatformaticPullConsumerOptions } from './platformatic-pull-consumer';

/**
 * A `TopicReader` on Kafka through @platformatic/kafka: a pull consumer alone in a group of its
 * own that never commits, so it is assigned every partition and starts at the earliest offset.
 * The broker forgets the group once the reader closes (it holds no committed offsets).
 *
 * @example
 * const reader = await startPlatformaticTopicReader({ brokers, clientId: 'discern', admin, topicOf, log }, 'dead-letters');
 * const records = await reader.poll(500, 1000);
 */
export async function startPlatformaticTopicReader(
  options: Pick<PlatformaticPullConsumerOptions, 'brokers' | 'clientId' | 'admin' | 'topicOf' | 'log'>,
  topic: TopicName,
): Promise<TopicReader> {
  const consumer = await PlatformaticPullConsumer.start({ ...options, group: `${options.clientId}.reader.${topic}.${randomUUID()}`, topics: [topic] });
  return {
    poll: (maxRecords, timeoutMs) => consumer.poll(maxRecords, timeoutMs),
    close: () => consumer.close(),
  };
}
