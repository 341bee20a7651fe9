import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { createEventStream } from './support/event-stream';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { readTopicContents } from './support/topic-contents';
import { waitFor } from './support/wait-for';

/** Longest a refused request may take: the queue's publish timeout (5 s) plus slack for a slow machine. */
const REFUSAL_WITHIN_MS = 20_000;

describe('discern api while the Kafka broker goes down and comes back', () => {
  let kafka: KafkaBroker;
  let dataDir: string;
  let catalog: FashionItem[];
  let api: DiscernProcess | undefined;

  beforeAll(async () => {
    // A private broker even when KAFKA_BROKERS names one: this test stops and starts it.
    [kafka, dataDir, catalog] = await Promise.all([startKafka({ own: true }), mkdtemp(join(tmpdir(), 'discern-e2e-outage-')), fashionItems('train', 5, 'src')]);
  }, 300_000);

  afterAll(async () => {
    await api?.kill('SIGKILL');
    await kafka?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 202 while the broker is up, 503 with Retry-After while it is down, and 202 again after; every 202 is in the topics', async () => {
    const topicPrefix = `e2e-${randomUUID().slice(0, 8)}`;
    api = startDiscernProcess('api', {
      env: { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: topicPrefix, KAFKA_PARTITIONS: '2', DISCERN_DATA_DIR: dataDir, PORT: '0' },
    });
    const url = await api.url();
    const stream = createEventStream(catalog, { itemsPerRequest: 5, eventsPerRequest: 5 });
    const watch = { watch: [api] };

    // Up: everything is accepted.
    for (let i = 0; i < 6; i++) {
      const response = await stream.send(url, stream.next());
      expect(response.status, JSON.stringify(response.body)).toBe(202);
    }
    expect((await requestJson(url, 'GET', '/readyz')).status).toBe(200);
    const acceptedBefore = { ...stream.accepted };

    // Down: every write is refused, promptly, with a hint when to retry; never a 202.
    await kafka.down();
    const refusals: { topic: string; status: number; ms: number; retryAfter: string | null }[] = [];
    const send = async () => {
      const request = stream.next();
      const t = performance.now();
      const response = await stream.send(url, request);
      refusals.push({ topic: request.topic, status: response.status, ms: performance.now() - t, retryAfter: response.headers.get('retry-after') });
      return response;
    };
    for (let i = 0; i < 4; i++) await send();
    await Promise.all([send(), send(), send(), send()]);
    const ready = await requestJson(url, 'GET', '/readyz');
    console.log(JSON.stringify({ refusals, readyz: ready.body }));
    expect(stream.accepted).toEqual(acceptedBefore);
    expect(new Set(refusals.map((r) => r.topic))).toEqual(new Set(['items', 'feedback']));
    for (const r of refusals) {
      expect(r.status).toBe(503);
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.ms).toBeLessThan(REFUSAL_WITHIN_MS);
    }
    expect(stream.refused.every((r) => (r.body as { error: { code: string } }).error.code === 'queue_unavailable')).toBe(true);
    expect(ready.status).toBe(503);
    expect(ready.body.checks.queue.ok).toBe(false);
    expect(api.alive()).toBe(true);

    // Back up: accepted again (after at most a few more refusals while the client reconnects).
    await kafka.start();
    await waitFor('a 202 after the broker is back', async () => (await stream.send(url, stream.next())).status === 202, 120_000, { ...watch, intervalMs: 500 });
    for (let i = 0; i < 4; i++) {
      const response = await stream.send(url, stream.next());
      expect(response.status, JSON.stringify(response.body)).toBe(202);
    }
    await waitFor('ready again', async () => (await requestJson(url, 'GET', '/readyz')).status === 200, 60_000, watch);
    expect(stream.accepted.items).toBeGreaterThan(acceptedBefore.items);
    expect(stream.accepted.feedback).toBeGreaterThan(acceptedBefore.feedback);

    // Every event answered 202, before or after the outage, is in its topic.
    const queue = createQueue({ kind: 'kafka', brokers: [kafka.brokers], clientId: 'e2e-audit', topicPrefix, partitions: 2 });
    try {
      const has = (held: string[], wanted: Set<string>) => {
        const set = new Set(held);
        return [...wanted].every((key) => set.has(key));
      };
      const contents = await readTopicContents(
        queue,
        (c) => has(c.items, stream.acceptedKeys.items) && has(c.feedback, stream.acceptedKeys.feedback),
        90_000,
      );
      const missingItems = [...stream.acceptedKeys.items].filter((id) => !contents.items.includes(id));
      const missingFeedback = [...stream.acceptedKeys.feedback].filter((id) => !contents.feedback.includes(id));
      expect({ missingItems, missingFeedback }).toEqual({ missingItems: [], missingFeedback: [] });
    } finally {
      await queue.close();
    }
    expect(await api.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 300_000);
});
