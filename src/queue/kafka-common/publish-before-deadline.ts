import type { OutgoingRecord, TopicName } from '../../core/queue';
import { QueueUnavailableError } from '../../core/queue';
import type { Logger } from '../../log/logger';
import { WriteDeadlineError, type GroupCommit } from '../group-commit';
import { assertOutgoingRecords, assertTopicName } from '../topics';
import type { TopicBatch } from './record-chunks';

export interface PublishBeforeDeadlineOptions {
  /** The group commit that sends the records. */
  send: GroupCommit<TopicBatch>;
  writeDeadlineMs: number;
  /** Whether the queue was closed (a publish then fails at once). */
  isClosed: () => boolean;
  log: Logger;
}

/**
 * The `Queue.publish` of a Kafka queue: checks the records, hands them to the group commit and
 * turns a missed write deadline into `QueueUnavailableError` (with a retry-after of the deadline).
 *
 * @example
 * const publish = publishBeforeDeadline({ send, writeDeadlineMs: 5000, isClosed: () => closed, log });
 * await publish('feedback', [{ key: 'item-7', value: '{"anchor":"item-7"}' }]);
 */
export function publishBeforeDeadline({ send, writeDeadlineMs, isClosed, log }: PublishBeforeDeadlineOptions): (topic: TopicName, records: OutgoingRecord[]) => Promise<void> {
  return async (topic, records) => {
    assertTopicName(topic, 'topic');
    assertOutgoingRecords(records);
    if (isClosed()) throw new QueueUnavailableError('queue is closed');
    if (records.length === 0) return;
    try {
      await send.add({ topic, records }, { deadlineMs: writeDeadlineMs });
    } catch (error) {
      if (error instanceof WriteDeadlineError) {
        log.warn({ topic, records: records.length, mayStillLand: error.mayStillLand }, 'publish missed its write deadline');
        throw new QueueUnavailableError(`Kafka did not acknowledge the records: ${error.message}`, Math.max(1, Math.ceil(writeDeadlineMs / 1000)), { cause: error });
      }
      throw error;
    }
  };
}
