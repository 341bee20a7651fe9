import type { QueueConsumerOptions, TopicName } from '../../core/queue';
import type { Logger } from '../../log/logger';

/** What every Kafka pull consumer is given besides its client. */
export interface PullConsumerOptions extends QueueConsumerOptions {
  /** Physical topic name of a logical one (with the configured prefix). */
  topicOf: (topic: TopicName) => string;
  log: Logger;
  /** Records buffered before fetching pauses (default 5000). */
  bufferRecords?: number;
  /** How long to wait for the first partition assignment (default 60 s). */
  joinTimeoutMs?: number;
}

/**
 * The logical topic of each of the consumer's physical topics.
 *
 * @example
 * logicalTopicsOf({ topics: ['feedback'], topicOf: (t) => `discern.${t}` }); // Map { 'discern.feedback' => 'feedback' }
 */
export function logicalTopicsOf({ topics, topicOf }: Pick<PullConsumerOptions, 'topics' | 'topicOf'>): Map<string, TopicName> {
  return new Map(topics.map((topic) => [topicOf(topic), topic]));
}
