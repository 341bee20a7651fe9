import type { TopicName } from '../../core/queue';
import type { EmbeddedStore } from './embedded-store';

/**
 * Per topic, the records a consumer group has not committed on an embedded store, from its
 * offsets file; the group's consumer (if any) may stay open meanwhile.
 *
 * @example
 * await embeddedGroupLag(store, 'discern-trainer', ['items', 'feedback']); // { items: 0, feedback: 3 }
 */
export async function embeddedGroupLag(store: EmbeddedStore, group: string, topics: TopicName[]): Promise<Record<string, number>> {
  const committed = await store.offsetsOf(group).load();
  const lag: Record<string, number> = {};
  for (const topic of topics) {
    lag[topic] = 0;
    for (let partition = 0; partition < store.partitionCount(topic); partition++) {
      lag[topic] += Math.max(0, store.logOf(topic, partition).endOffset - (committed[topic]?.[partition] ?? 0));
    }
  }
  return lag;
}
