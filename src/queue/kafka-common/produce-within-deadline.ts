import { QueueUnavailableError } from '../../core/queue';
import type { Logger } from '../../log/logger';

export interface ProduceWithinDeadlineOptions<P> {
  /** How long connecting and sending together may take before the request is given up. */
  deadlineMs: number;
  /** The lane's producer, connected or connecting. */
  producer: () => P | Promise<P>;
  /** Sends one produce request on `producer`. */
  send: (producer: P) => Promise<unknown>;
  /** Replaces the lane's producer once `inFlight` settles, so a fate-unknown batch is never resent on its producer id. */
  discard: (inFlight: Promise<unknown>) => void;
  /** Whether the broker refused the request because a record is over `message.max.bytes`. */
  isTooLarge: (error: unknown) => boolean;
  log: Logger;
}

/**
 * Sends one produce request and waits for its acknowledgement until the deadline. Any failure
 * discards the producer, then rejects with `RangeError` when a record is too large for the
 * broker, else with `QueueUnavailableError`.
 *
 * @example
 * await produceWithinDeadline({ deadlineMs: 5000, producer: () => producerOf(lane), send: (p) => p.send({ messages }),
 *   discard: (inFlight) => discardProducer(lane, inFlight), isTooLarge: (e) => tooLarge(e), log });
 */
export async function produceWithinDeadline<P>(options: ProduceWithinDeadlineOptions<P>): Promise<void> {
  const { deadlineMs } = options;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no acknowledgement within ${deadlineMs} ms`)), deadlineMs);
  });
  let sent: Promise<unknown> | undefined;
  try {
    const p = await Promise.race([options.producer(), timeout]);
    sent = options.send(p);
    await Promise.race([sent, timeout]);
  } catch (error) {
    options.discard(sent ?? Promise.resolve());
    if (options.isTooLarge(error)) {
      throw new RangeError(`records: a record is larger than the broker accepts (message.max.bytes)`, { cause: error });
    }
    options.log.warn({ err: error }, 'publish failed');
    throw new QueueUnavailableError(`Kafka did not accept the records: ${(error as Error).message}`, 5, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
