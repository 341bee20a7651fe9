import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { QueueUnavailableError } from '../../core/queue';
import { startKafka, type KafkaBroker } from '../../../test/support/kafka';
import { queueContract, pollExactly } from '../queue.contract';
import { createKafkaQueue } from './kafka-queue';

let kafka: KafkaBroker;
beforeAll(async () => {
  kafka = await startKafka();
}, 300_000);
afterAll(() => kafka?.stop());

queueContract('kafka', async () => {
  const topicPrefix = `t${randomUUID().slice(0, 8)}`;
  return {
    partitions: 3,
    open: async () => createKafkaQueue({ brokers: [kafka.brokers], clientId: 'contract', topicPrefix, partitions: 3 }),
    // Topics are left behind; each test has its own prefix, so none sees another's records.
    cleanup: async () => undefined,
  };
});

describe('kafka queue outages', () => {
  it('rejects publishes with QueueUnavailableError within seconds while the broker is down, and recovers', async () => {
    const broker = kafka.owned ? kafka : await startKafka({ own: true });
    const queue = createKafkaQueue({ brokers: [broker.brokers], clientId: 'outage', topicPrefix: `o${randomUUID().slice(0, 8)}`, partitions: 2 });
    try {
      await queue.init();
      await queue.publish('items', [{ key: 'before', value: '1' }]);
      await broker.down();

      const started = Date.now();
      const failure = await queue.publish('items', [{ key: 'during', value: '2' }]).then(
        () => undefined,
        (error: unknown) => error,
      );
      const elapsed = Date.now() - started;
      expect(failure).toBeInstanceOf(QueueUnavailableError);
      expect(elapsed).toBeLessThan(10_000);
      expect((await queue.health()).ok).toBe(false);

      await broker.start();
      const deadline = Date.now() + 60_000;
      for (;;) {
        try {
          await queue.publish('items', [{ key: 'after', value: '3' }]);
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(QueueUnavailableError);
          if (Date.now() > deadline) throw error;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const consumer = await queue.consumer({ group: 'after-outage', topics: ['items'] });
      const values = (await pollExactly(consumer, 2)).map((r) => r.value).sort();
      expect(values).toEqual(['1', '3']);
      await consumer.close();
    } finally {
      await queue.close();
      if (broker !== kafka) await broker.stop();
    }
  });
});
