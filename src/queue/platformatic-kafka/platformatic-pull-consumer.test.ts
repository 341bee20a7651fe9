import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '../../../test/support/kafka';
import { pollExactly } from '../queue.contract';
import { createPlatformaticKafkaQueue } from './platformatic-kafka-queue';

let kafka: KafkaBroker;
beforeAll(async () => {
  kafka = await startKafka();
}, 300_000);
afterAll(() => kafka?.stop());

describe('PlatformaticPullConsumer', () => {
  it('joins its group again with a fresh client when its stream fails, going on from where poll was', async () => {
    const queue = createPlatformaticKafkaQueue({ brokers: [kafka.brokers], clientId: 'recovery', topicPrefix: `p${randomUUID().slice(0, 8)}`, partitions: 2 });
    try {
      await queue.init();
      await queue.publish('feedback', Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `early-${i}` })));
      const consumer = await queue.consumer({ group: 'recovering', topics: ['feedback'] });
      const early = await pollExactly(consumer, 6);
      expect(early.map((r) => r.value).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `early-${i}`));

      // What the library does when a fetch fails for good: the stream ends with an error.
      (consumer as unknown as { stream: NodeJS.ReadableStream & { destroy(error: Error): void } }).stream.destroy(new Error('fetch failed for good'));
      await queue.publish('feedback', [{ key: 'k1', value: 'late' }]);
      expect((await pollExactly(consumer, 1, 100, 60_000)).map((r) => r.value)).toEqual(['late']);
      await consumer.close();
    } finally {
      await queue.close();
    }
  }, 90_000);
});
