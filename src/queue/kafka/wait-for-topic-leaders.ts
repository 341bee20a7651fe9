import type { Admin } from 'kafkajs';

const RETRIED = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Waits until every partition of `topics` has a leader. kafkajs's own `waitForLeaders` gives up
 * when a broker answers that it does not know a topic yet, which a busy KRaft broker does for a
 * moment after creating it; here that answer is one more reason to ask again.
 *
 * @example
 * await admin.createTopics({ topics: [{ topic: 'discern.items', numPartitions: 6 }] });
 * await waitForTopicLeaders(admin, ['discern.items']);
 */
export async function waitForTopicLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      const led = (name: string) => found.find((t) => t.name === name)?.partitions.every((p) => p.partitionErrorCode === 0 && p.leader >= 0);
      if (topics.every((name) => found.find((t) => t.name === name)?.partitions.length && led(name))) return;
    } catch (error) {
      if (!RETRIED.has((error as { type?: string }).type ?? '')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')}: no leader for every partition within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
