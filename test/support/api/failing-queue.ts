import type { Queue } from '../../../src/core/queue';

/**
 * A test double of the `Queue` port whose publishes reject with `error` (and whose health says
 * so), for checking that the API answers 503 and never 202 when the queue cannot write.
 *
 * @example
 * createApp({ queue: failingQueue(new QueueUnavailableError('broker down', 7)), ... });
 */
export function failingQueue(error: Error): Queue & { attempts: number } {
  const queue = {
    attempts: 0,
    async init() {},
    async publish() {
      queue.attempts++;
      throw error;
    },
    async consumer(): Promise<never> {
      throw error;
    },
    async reader(): Promise<never> {
      throw error;
    },
    async committedLag(): Promise<never> {
      throw error;
    },
    async health() {
      return { ok: false, detail: error.message };
    },
    async close() {},
  };
  return queue;
}
