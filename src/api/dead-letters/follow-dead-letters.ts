import type { Queue, TopicReader } from '../../core/queue';
import type { Logger } from '../../log/logger';
import { deadLetterEntryOf } from './dead-letter-entry';
import { DeadLetterView } from './dead-letter-view';

export interface DeadLetterFollower {
  view: DeadLetterView;
  close(): Promise<void>;
}

/** A dead letter carries the refused record, an image maybe: few at a time bounds the memory a poll takes. */
const POLL_RECORDS = 100;
const POLL_TIMEOUT_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Keeps a `DeadLetterView` of the queue's `dead-letters` topic: reads it from the beginning
 * with a `TopicReader`, then follows it. When the queue fails, it logs and reopens the reader
 * with backoff (rereading from the beginning; repeats are dropped by the view).
 *
 * @example
 * const follower = followDeadLetters(queue, { keep: 100_000, logger });
 * follower.view.page({ limit: 20 });
 * await follower.close();
 */
export function followDeadLetters(queue: Queue, options: { keep: number; logger: Logger }): DeadLetterFollower {
  const view = new DeadLetterView(options.keep);
  const log = options.logger;
  let reader: TopicReader | undefined;
  let closed = false;
  let wakeUp: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      // A follower waiting to retry must not keep the process alive.
      timer.unref();
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    let backoffMs = 500;
    while (!closed) {
      try {
        reader = await queue.reader('dead-letters');
        if (closed) {
          await reader.close();
          break;
        }
        for (;;) {
          const records = await reader.poll(POLL_RECORDS, POLL_TIMEOUT_MS);
          for (const record of records) view.add(deadLetterEntryOf(record));
          backoffMs = 500;
        }
      } catch (error) {
        if (closed) break;
        log.warn({ err: error, retryInMs: backoffMs }, 'cannot read the dead-letter topic; retrying');
        await reader?.close().catch(() => undefined);
        reader = undefined;
        await sleep(backoffMs);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      }
    }
  })();

  return {
    view,
    async close() {
      if (closed) return;
      closed = true;
      wakeUp?.();
      await reader?.close().catch(() => undefined);
      await loop;
    },
  };
}
