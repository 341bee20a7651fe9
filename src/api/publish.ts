import { QueueUnavailableError, type OutgoingRecord, type Queue, type TopicName } from '../core/queue';
import type { Logger } from '../log/logger';
import { ApiError } from './api-error';
import type { HttpMetrics } from './http-metrics';

/**
 * Publishes and waits for the queue's durable acknowledgement; any failure becomes a 503 with
 * `Retry-After`, so a client never sees 202 for events that were not written.
 *
 * @example
 * await publishDurably(queue, 'feedback', records, metrics, log);
 */
export async function publishDurably(queue: Queue, topic: TopicName, records: OutgoingRecord[], metrics: HttpMetrics, logger: Logger): Promise<void> {
  try {
    await queue.publish(topic, records);
  } catch (error) {
    metrics.queueUnavailable.inc({ topic });
    const retryAfter = error instanceof QueueUnavailableError ? error.retryAfterSeconds : 5;
    logger.warn({ topic, records: records.length, err: error }, 'queue refused records');
    throw new ApiError(503, 'queue_unavailable', `the event queue cannot accept events right now (${(error as Error).message}); retry`, undefined, {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfter))),
    });
  }
  metrics.acceptedEvents.inc({ topic }, records.length);
}
