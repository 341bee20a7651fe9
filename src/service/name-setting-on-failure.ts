import type { Queue } from '../core/queue';

/**
 * The queue, with a failure to set it up (`init`) reported in the operator's terms: the setting
 * that points at the unreachable service and its value, then the client's own words.
 *
 * @example
 * const queue = nameSettingOnInitFailure(createQueue(…), 'KAFKA_BROKERS', '10.0.0.5:9092');
 * await queue.init(); // Error: KAFKA_BROKERS=10.0.0.5:9092: cannot set up the queue there (Connection error: …)
 */
export function nameSettingOnInitFailure(queue: Queue, setting: string, value: string): Queue {
  const init = queue.init.bind(queue);
  return Object.assign(Object.create(queue) as Queue, {
    async init() {
      try {
        await init();
      } catch (error) {
        throw new Error(`${setting}=${value}: cannot set up the queue there (${(error as Error).message})`, { cause: error });
      }
    },
  });
}
