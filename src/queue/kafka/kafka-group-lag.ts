import type { Admin } from 'kafkajs';
import type { TopicName } from '../../core/queue';

/**
 * Per topic, the records a consumer group has not committed on Kafka (admin offset fetches; the
 * group is not joined). Partitions without a committed offset count from their low watermark.
 *
 * @example
 * await kafkaGroupLag(admin, (t) => `discern.${t}`, 'discern-trainer', ['items', 'feedback']);
 */
export async function kafkaGroupLag(admin: Admin, topicOf: (topic: TopicName) => string, group: string, topics: TopicName[]): Promise<Record<string, number>> {
  const committed = await retryingRetriable(() => admin.fetchOffsets({ groupId: group, topics: topics.map(topicOf) }));
  const lag: Record<string, number> = {};
  for (const topic of topics) {
    const ends = await retryingRetriable(() => admin.fetchTopicOffsets(topicOf(topic)));
    const mine = committed.find((c) => c.topic === topicOf(topic))?.partitions ?? [];
    lag[topic] = ends.reduce((sum, { partition, high, low }) => {
      const offset = Number(mine.find((p) => p.partition === partition)?.offset ?? -1);
      return sum + Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low)));
    }, 0);
  }
  return lag;
}

/**
 * Runs an admin call again while Kafka answers with an error it marks retriable (e.g. "not the
 * leader for that topic-partition" while a new topic's leaders are being elected).
 */
async function retryingRetriable<T>(call: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || (error as { retriable?: boolean }).retriable !== true) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
