import type { Logger } from '../../log/logger';
import { createGroupCommit, type GroupCommit } from '../group-commit';
import type { KafkaQueueSettings } from './kafka-queue-options';
import { produceWithinDeadline } from './produce-within-deadline';
import type { ProducerLanes } from './producer-lanes';
import { recordChunks, type ChunkedRecord, type TopicBatch } from './record-chunks';
import type { UnsettledSends } from './unsettled-sends';

export interface ProduceGroupCommitOptions<P> {
  settings: Pick<KafkaQueueSettings, 'writeDeadlineMs' | 'lingerMs' | 'producerCount' | 'maxRequestBytes'>;
  /** The lanes' producers; a producer whose request failed or timed out is discarded there. */
  lanes: Pick<ProducerLanes<unknown>, 'discard'>;
  /** The lane's producer, connected or connecting. */
  producer: (lane: number) => P | Promise<P>;
  /** Sends one produce request of `chunk` on `producer`, acks=all. */
  send: (producer: P, chunk: ChunkedRecord[]) => Promise<unknown>;
  /** Where every request is tracked until it settles, for health. */
  sends: UnsettledSends;
  /** Whether the broker refused a request because a record is over `message.max.bytes`. */
  isTooLarge: (error: unknown) => boolean;
  log: Logger;
}

/**
 * The group commit of a Kafka queue: concurrent publishes share produce requests of at most
 * `maxRequestBytes`, `producerCount` lanes in flight at once, each request bounded by the write
 * deadline.
 *
 * @example
 * const send = createProduceGroupCommit({ settings, lanes, producer: (lane) => producerOf(lane), send: (p, chunk) => p.send({ messages: messagesOf(chunk) }), sends, isTooLarge, log });
 * await send.add({ topic: 'feedback', records }, { deadlineMs: settings.writeDeadlineMs });
 */
export function createProduceGroupCommit<P>(options: ProduceGroupCommitOptions<P>): GroupCommit<TopicBatch> {
  const { settings, lanes, sends, isTooLarge, log } = options;
  return createGroupCommit<TopicBatch>(
    async (batches, lane) => {
      for (const chunk of recordChunks(batches, settings.maxRequestBytes)) {
        await produceWithinDeadline({
          deadlineMs: settings.writeDeadlineMs,
          producer: () => options.producer(lane),
          send: (p) => sends.track(() => options.send(p, chunk)),
          discard: (inFlight) => lanes.discard(lane, inFlight),
          isTooLarge,
          log,
        });
      }
    },
    { lingerMs: settings.lingerMs, maxInFlight: settings.producerCount },
  );
}
