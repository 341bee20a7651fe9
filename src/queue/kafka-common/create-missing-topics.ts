import type { Logger } from '../../log/logger';
import { TOPIC_NAMES } from '../topics';
import type { KafkaQueueSettings } from './kafka-queue-options';

export interface TopicAdmin {
  /** Names of the topics the cluster has. */
  listTopics(): Promise<string[]>;
  /** Creates `topics` and resolves once each partition has a leader. */
  createTopics(topics: string[]): Promise<void>;
}

/**
 * Creates the queue's topics the cluster lacks (with the configured partitions), logging which.
 *
 * @example
 * await createMissingTopics({ listTopics: () => admin.listTopics(), createTopics: (t) => create(t) }, settings, log);
 */
export async function createMissingTopics(admin: TopicAdmin, { topicOf, partitions }: Pick<KafkaQueueSettings, 'topicOf' | 'partitions'>, log: Logger): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = TOPIC_NAMES.map(topicOf).filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics(missing);
    log.info({ topics: missing, partitions }, 'created topics');
  }
}
