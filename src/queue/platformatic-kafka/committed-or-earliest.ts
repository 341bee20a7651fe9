import { ListOffsetTimestamps, type Admin } from '@platformatic/kafka';

/**
 * Where a consumer group resumes each of `partitions` (`topic` → partition numbers): the group's
 * committed offset, or the partition's earliest offset when the group never committed there.
 * Keys of the result are `<topic>:<partition>`.
 *
 * @example
 * await committedOrEarliest(admin, 'discern-trainer', new Map([['discern.feedback', [0, 1, 2]]]));
 * // Map { 'discern.feedback:0' => 120n, 'discern.feedback:1' => 0n, ... }
 */
export async function committedOrEarliest(admin: Admin, group: string, partitions: Map<string, number[]>): Promise<Map<string, bigint>> {
  const topics = [...partitions.entries()];
  if (topics.length === 0) return new Map();
  const [earliest, [committed]] = await Promise.all([
    admin.listOffsets({ topics: topics.map(([name, indexes]) => ({ name, partitions: indexes.map((partitionIndex) => ({ partitionIndex, timestamp: ListOffsetTimestamps.EARLIEST })) })) }),
    admin.listConsumerGroupOffsets({ groups: [{ groupId: group, topics: topics.map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }] }),
  ]);
  const offsets = new Map<string, bigint>();
  for (const [name, indexes] of topics) {
    for (const partition of indexes) {
      const done = committed?.topics.find((t) => t.name === name)?.partitions.find((p) => p.partitionIndex === partition)?.committedOffset ?? -1n;
      const start = earliest.find((t) => t.name === name)?.partitions.find((p) => p.partitionIndex === partition)?.offset ?? 0n;
      offsets.set(`${name}:${partition}`, done >= 0n ? done : start);
    }
  }
  return offsets;
}
