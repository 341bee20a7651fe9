import { randomUUID } from 'node:crypto';
import type { TopicName, TopicReader } from '../../core/queue';
import { EmbeddedConsumer } from './embedded-consumer';
import type { EmbeddedStore } from './embedded-store';

/**
 * A `TopicReader` over an embedded store: a consumer of a throwaway group that never commits,
 * so it starts at offset 0 of every partition and leaves no offsets file behind.
 *
 * @example
 * const reader = await openEmbeddedTopicReader(store, 'dead-letters');
 * const records = await reader.poll(500, 1000);
 */
export async function openEmbeddedTopicReader(store: EmbeddedStore, topic: TopicName): Promise<TopicReader> {
  const consumer = await EmbeddedConsumer.open(store, { group: `reader:${topic}:${randomUUID()}`, topics: [topic] });
  return {
    poll: (maxRecords, timeoutMs) => consumer.poll(maxRecords, timeoutMs),
    close: () => consumer.close(),
  };
}
