import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createApp } from '../../api';
import { createProjectionModelCatalog } from '../../../test/support/api/projection-model-catalog';
import { loadConfig } from '../../config/load-config';
import { openEmbeddedVectorStore } from '../../store/embedded';
import { QueueUnavailableError, type ConsumedRecord } from '../../core/queue';
import { startKafka, type KafkaBroker } from '../../../test/support/kafka';
import { queueContract, pollExactly, nextOffsets } from '../queue.contract';
import { createQueue, KAFKA_CLIENTS, type KafkaClient } from '../index';
import type { KafkaQueueOptions } from './kafka-queue';
import { DeadLetterView } from '../../api/dead-letters/dead-letter-view';
import { createSharpImageDecoder } from '../../image-decoding/sharp-image-decoder';

let kafka: KafkaBroker;
beforeAll(async () => {
  kafka = await startKafka();
}, 300_000);
afterAll(() => kafka?.stop());

/** The Kafka adapter on one client library; every test below runs on each. */
const kafkaQueue = (client: KafkaClient, options: KafkaQueueOptions) => createQueue({ kind: 'kafka', client, ...options });

describe.each(KAFKA_CLIENTS)('kafka queue on %s', (client) => {
  queueContract(`kafka (${client})`, async () => {
    const topicPrefix = `t${randomUUID().slice(0, 8)}`;
    return {
      partitions: 3,
      open: async () => kafkaQueue(client, { brokers: [kafka.brokers], clientId: 'contract', topicPrefix, partitions: 3 }),
      // Topics are left behind; each test has its own prefix, so none sees another's records.
      cleanup: async () => undefined,
    };
  });

  it('shares the partitions of a group between two consumers: the rebalance neither skips nor repeats a record', async () => {
    const queue = kafkaQueue(client, { brokers: [kafka.brokers], clientId: 'rebalance', topicPrefix: `r${randomUUID().slice(0, 8)}`, partitions: 3 });
    const open: { close(): Promise<void> }[] = [queue];
    try {
      await queue.init();
      const published = Array.from({ length: 90 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
      await queue.publish('feedback', published);
      const first = await queue.consumer({ group: 'shared', topics: ['feedback'] });
      open.unshift(first);
      const before: ConsumedRecord[] = [];
      while (before.length < 20) before.push(...(await first.poll(20 - before.length, 1000)));
      await first.commit(nextOffsets(before));

      const second = await queue.consumer({ group: 'shared', topics: ['feedback'] });
      open.unshift(second);
      // The first consumer learns its share in the same rebalance round; give its answer time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const after: ConsumedRecord[] = [];
      const deadline = Date.now() + 30_000;
      while (before.length + after.length < published.length && Date.now() < deadline) {
        for (const records of await Promise.all([first.poll(100, 500), second.poll(100, 500)])) after.push(...records);
      }
      for (const records of await Promise.all([first.poll(100, 300), second.poll(100, 300)])) after.push(...records);
      expect([...before, ...after].map((r) => Number(r.value)).sort((a, b) => a - b)).toEqual(published.map((_, i) => i));
    } finally {
      for (const closable of open) await closable.close();
    }
  }, 60_000);

  it('sets up its topics when several processes start at once on a new prefix: every one of them succeeds', async () => {
    const topicPrefix = `c${randomUUID().slice(0, 8)}`;
    const queues = Array.from({ length: 4 }, (_, i) => kafkaQueue(client, { brokers: [kafka.brokers], clientId: `concurrent-${i}`, topicPrefix, partitions: 3 }));
    try {
      const inits = await Promise.allSettled(queues.map((q) => q.init()));
      expect(inits.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok', 'ok']);
      await queues[3].publish('items', [{ key: 'k', value: 'after concurrent setup' }]);
      const reader = await queues[0].consumer({ group: 'concurrent', topics: ['items'] });
      try {
        expect((await pollExactly(reader, 1)).map((r) => r.value)).toEqual(['after concurrent setup']);
      } finally {
        await reader.close();
      }
    } finally {
      for (const q of queues) await q.close();
    }
  }, 60_000);

  describe('kafka queue outages', () => {
    it('rejects publishes with QueueUnavailableError within seconds while the broker is down, and recovers; an open consumer carries on', async () => {
      const broker = kafka.owned ? kafka : await startKafka({ own: true });
      const queue = kafkaQueue(client, { brokers: [broker.brokers], clientId: 'outage', topicPrefix: `o${randomUUID().slice(0, 8)}`, partitions: 2 });
      try {
        await queue.init();
        await queue.publish('items', [{ key: 'before', value: '1' }]);
        const through = await queue.consumer({ group: 'through-outage', topics: ['items'] });
        expect((await pollExactly(through, 1)).map((r) => r.value)).toEqual(['1']);
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
        // The consumer that was open through the outage goes on from where it was, repeating nothing.
        expect((await pollExactly(through, 1, 100, 90_000)).map((r) => r.value)).toEqual(['3']);
        await through.close();
      } finally {
        await queue.close();
        if (broker !== kafka) await broker.stop();
      }
    });

    it('answers 503 within the write deadline while the broker is stalled (SIGSTOP), reports it, and keeps every acknowledged record', async () => {
      const broker = kafka.owned ? kafka : await startKafka({ own: true });
      const deadlineMs = 1500;
      const queue = kafkaQueue(client, { brokers: [broker.brokers], clientId: 'stall', topicPrefix: `s${randomUUID().slice(0, 8)}`, partitions: 2, writeDeadlineMs: deadlineMs });
      const vectors = await mkdtemp(join(tmpdir(), 'discern-kafka-stall-'));
      let paused = false;
      try {
        await queue.init();
        const app = createApp({ imageDecoder: createSharpImageDecoder(),
          queue,
          vectorStore: await openEmbeddedVectorStore({ dir: vectors }),
          models: createProjectionModelCatalog({}),
          config: loadConfig({}),
          metrics: new Registry(),
          logger: pino({ level: 'silent' }),
          deadLetters: new DeadLetterView(100),
        });
        const post = (id: string) =>
          app.request('/v1/feedback', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ events: [{ type: 'label', itemId: `item-${id}`, label: 'shirt', eventId: id }] }),
          });
        const acknowledged: string[] = [];
        const refused: string[] = [];
        for (const response of await Promise.all(['b0', 'b1', 'b2', 'b3'].map(post))) expect(response.status).toBe(202);
        acknowledged.push('b0', 'b1', 'b2', 'b3');

        await broker.pause();
        paused = true;
        const started = performance.now();
        const during = await Promise.all(['d0', 'd1', 'd2', 'd3'].map(async (id) => ({ id, response: await post(id), ms: performance.now() - started })));
        for (const { id, response, ms } of during) {
          expect(response.status).toBe(503);
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(ms).toBeLessThan(deadlineMs + 5000);
          refused.push(id);
        }
        expect((await queue.health()).ok).toBe(false);
        expect((await app.request('/readyz')).status).toBe(503);

        await broker.resume();
        paused = false;
        const deadline = Date.now() + 60_000;
        for (let n = 0; acknowledged.length < 8; n++) {
          const response = await post(`a${n}`);
          if (response.status === 202) acknowledged.push(`a${n}`);
          else {
            expect(response.status).toBe(503);
            refused.push(`a${n}`);
            if (Date.now() > deadline) throw new Error('the broker did not accept writes within 60 s of SIGCONT');
            await new Promise((r) => setTimeout(r, 300));
          }
        }
        // Sends refused during the stall settle once the broker answers again; then the queue is healthy.
        const healthyBy = Date.now() + 15_000;
        while (!(await queue.health()).ok && Date.now() < healthyBy) await new Promise((r) => setTimeout(r, 200));
        expect((await queue.health()).ok).toBe(true);

        const consumer = await queue.consumer({ group: 'after-stall', topics: ['feedback'] });
        const logged: string[] = [];
        for (let batch = await consumer.poll(1000, 3000); batch.length > 0; batch = await consumer.poll(1000, 1500)) logged.push(...batch.map((r) => JSON.parse(r.value).eventId as string));
        await consumer.close();
        for (const id of acknowledged) expect(logged.filter((l) => l === id)).toHaveLength(1);
        // Refused records that had reached the broker may land after it resumes; nothing else does.
        expect(logged.every((id) => acknowledged.includes(id) || refused.includes(id))).toBe(true);
      } finally {
        if (paused) await broker.resume();
        await queue.close();
        await rm(vectors, { recursive: true, force: true });
        if (broker !== kafka) await broker.stop();
      }
    }, 120_000);
  });
});
