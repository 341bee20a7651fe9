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
  const committed = await admin.fetchOffsets({ groupId: group, topics: topics.map(topicOf) });
  const lag: Record<string, number> = {};
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topicOf(topic));
    const mine = committed.find((c) => c.topic === topicOf(topic))?.partitions ?? [];
    lag[topic] = ends.reduce((sum, { partition, high, low }) => {
      const offset = Number(mine.find((p) => p.partition === partition)?.offset ?? -1);
      return sum + Math.max(0, Number(high) - (offset >= 0 ? offset : Number(low)));
    }, 0);
  }
  return lag;
}
