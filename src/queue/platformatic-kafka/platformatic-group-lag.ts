import { ListOffsetTimestamps, type Admin } from '@platformatic/kafka';
import type { TopicName } from '../../core/queue';

/**
 * Per topic, the records a consumer group has not committed on Kafka, read with admin requests
 * (the group is not joined). Partitions without a committed offset count from their low watermark.
 *
 * @example
 * await platformaticGroupLag(admin, (t) => `discern.${t}`, 'discern-trainer', ['items', 'feedback']);
 */
export async function platformaticGroupLag(admin: Admin, topicOf: (topic: TopicName) => string, group: string, topics: TopicName[]): Promise<Record<string, number>> {
  const physical = topics.map(topicOf);
  const metadata = await admin.metadata({ topics: physical });
  const partitionsOf = (name: string) => Array.from({ length: metadata.topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i);
  const at = (timestamp: bigint) => physical.map((name) => ({ name, partitions: partitionsOf(name).map((partitionIndex) => ({ partitionIndex, timestamp })) }));
  const [latest, earliest, [committed]] = await Promise.all([
    admin.listOffsets({ topics: at(ListOffsetTimestamps.LATEST) }),
    admin.listOffsets({ topics: at(ListOffsetTimestamps.EARLIEST) }),
    admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: physical.map((name) => ({ name, partitionIndexes: partitionsOf(name) })) }] }),
  ]);
  const offsetOf = (listed: typeof latest, name: string, partition: number) => listed.find((t) => t.name === name)?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
  const lag: Record<string, number> = {};
  topics.forEach((topic, i) => {
    const name = physical[i];
    const mine = committed?.topics.find((t) => t.name === name)?.partitions ?? [];
    lag[topic] = partitionsOf(name).reduce((sum, partition) => {
      const done = mine.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
      const from = done >= 0n ? done : offsetOf(earliest, name, partition);
      const behind = offsetOf(latest, name, partition) - from;
      return sum + (behind > 0n ? Number(behind) : 0);
    }, 0);
  });
  return lag;
}
