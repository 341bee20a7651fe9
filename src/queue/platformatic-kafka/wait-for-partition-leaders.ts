import { findErrorBy, type Admin } from '@platformatic/kafka';

const RETRIED = ['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE'];

/**
 * Waits until every partition of `topics` has a leader. A busy KRaft broker answers for a moment
 * after creating a topic that it does not know it yet; that answer is one more reason to ask again.
 *
 * @example
 * await admin.createTopics({ topics: ['discern.items'], partitions: 6, replicas: 1 });
 * await waitForPartitionLeaders(admin, ['discern.items']);
 */
export async function waitForPartitionLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: found } = await admin.metadata({ topics, forceUpdate: true });
      const led = (name: string) => {
        const topic = found.get(name);
        return topic !== undefined && topic.partitionsCount > 0 && topic.partitions.every((p) => p.leader >= 0);
      };
      if (topics.every(led)) return;
    } catch (error) {
      if (!RETRIED.some((id) => findErrorBy(error as Error, 'apiId', id))) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')}: no leader for every partition within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
