import type { Logger } from '../../log/logger';
import { TOPIC_NAMES } from '../topics';
import type { KafkaQueueSettings } from './kafka-queue-options';

export interface TopicAdmin {
  /** Names of the topics the cluster has. */
  listTopics(): Promise<string[]>;
  /** Asks the cluster to create `topics`. */
  createTopics(topics: string[]): Promise<void>;
  /** Resolves once each partition of `topics` has a leader. */
  waitForLeaders(topics: string[]): Promise<void>;
}

/**
 * Creates the queue's topics the cluster lacks (with the configured partitions), logging which,
 * and waits until each has a leader. Processes that start together (API replicas beside a
 * trainer) race to create the same topics; the loser's failed request is not an error when the
 * topics exist afterwards.
 *
 * @example
 * await createMissingTopics({ listTopics, createTopics, waitForLeaders }, settings, log);
 */
export async function createMissingTopics(admin: TopicAdmin, { topicOf, partitions }: Pick<KafkaQueueSettings, 'topicOf' | 'partitions'>, log: Logger): Promise<void> {
  const wanted = TOPIC_NAMES.map(topicOf);
  const missingFrom = (existing: string[]) => wanted.filter((t) => !existing.includes(t));
  const missing = missingFrom(await admin.listTopics());
  if (missing.length === 0) return;
  try {
    await admin.createTopics(missing);
    log.info({ topics: missing, partitions }, 'created topics');
  } catch (error) {
    const stillMissing = missingFrom(await admin.listTopics());
    if (stillMissing.length > 0) throw error;
    log.info({ topics: missing }, 'topics were created by another process meanwhile');
  }
  await admin.waitForLeaders(missing);
}
