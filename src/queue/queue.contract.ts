import { afterEach, describe, expect, it } from 'vitest';
import type { ConsumedRecord, Queue, QueueConsumer, TopicPartitionOffset, TopicReader } from '../core/queue';

/**
 * A fresh, isolated queue namespace per test. `open()` may be called several times and must
 * return queues over the same data (to test reopening); `cleanup()` removes the namespace.
 */
export interface QueueContractSubject {
  open(): Promise<Queue>;
  /** Partitions per topic that `open()` configures (at least 2 to exercise keying). */
  partitions: number;
  cleanup(): Promise<void>;
}

/**
 * Registers the behaviour every `Queue` adapter must have as vitest tests.
 *
 * @example
 * queueContract('embedded', async () => {
 *   const dir = await mkdtemp(join(tmpdir(), 'q-'));
 *   return { partitions: 3, open: async () => createEmbeddedQueue({ dir, partitions: 3 }), cleanup: () => rm(dir, { recursive: true }) };
 * });
 */
export function queueContract(name: string, makeSubject: () => Promise<QueueContractSubject>): void {
  describe(`Queue contract: ${name}`, () => {
    const toClose: { close(): Promise<void> }[] = [];
    let subject: QueueContractSubject | undefined;

    async function openQueue(): Promise<Queue> {
      subject ??= await makeSubject();
      const queue = await subject.open();
      toClose.push(queue);
      await queue.init();
      return queue;
    }

    async function consumerOf(queue: Queue, options: Parameters<Queue['consumer']>[0]): Promise<QueueConsumer> {
      const consumer = await queue.consumer(options);
      toClose.unshift(consumer);
      return consumer;
    }

    afterEach(async () => {
      for (const c of toClose.splice(0)) await c.close();
      await subject?.cleanup();
      subject = undefined;
    });

    it('round-trips records with keys, values, headers, offsets and timestamps', async () => {
      const queue = await openQueue();
      const before = Date.now();
      await queue.publish('items', [
        { key: 'a', value: '{"n":1}', headers: { source: 'test', 'content-type': 'application/json' } },
        { key: 'b', value: '{"n":2}' },
        { key: 'a', value: '{"n":3}' },
      ]);
      const consumer = await consumerOf(queue, { group: 'g', topics: ['items'] });
      const records = await pollExactly(consumer, 3);
      expect(records.map((r) => r.value).sort()).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
      const first = records.find((r) => r.value === '{"n":1}')!;
      expect(first).toMatchObject({ topic: 'items', key: 'a', headers: { source: 'test', 'content-type': 'application/json' } });
      expect(records.find((r) => r.value === '{"n":2}')!.headers).toEqual({});
      for (const r of records) {
        expect(r.partition).toBeGreaterThanOrEqual(0);
        expect(r.partition).toBeLessThan(subject!.partitions);
        expect(r.offset).toMatch(/^\d+$/);
        expect(r.timestamp).toBeGreaterThanOrEqual(before - 1000);
        expect(r.timestamp).toBeLessThanOrEqual(Date.now() + 1000);
      }
      const sameKey = records.filter((r) => r.key === 'a');
      expect(sameKey[0].partition).toBe(sameKey[1].partition);
      expect(sameKey.map((r) => r.value)).toEqual(['{"n":1}', '{"n":3}']);
      expect(Number(sameKey[1].offset)).toBeGreaterThan(Number(sameKey[0].offset));
      expect(await consumer.poll(10, 300)).toEqual([]);
    });

    it('keeps each key on one partition, in publish order, and spreads keys over partitions', async () => {
      const queue = await openQueue();
      const keys = Array.from({ length: 24 }, (_, i) => `item-${i}`);
      for (let round = 0; round < 5; round++) {
        await queue.publish('items', keys.map((key) => ({ key, value: JSON.stringify({ key, seq: round }) })));
      }
      const consumer = await consumerOf(queue, { group: 'g', topics: ['items'] });
      const records = await pollExactly(consumer, keys.length * 5);
      const partitionsUsed = new Set<number>();
      for (const key of keys) {
        const ofKey = records.filter((r) => r.key === key);
        expect(ofKey.map((r) => JSON.parse(r.value).seq)).toEqual([0, 1, 2, 3, 4]);
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
        partitionsUsed.add(ofKey[0].partition);
      }
      expect(partitionsUsed.size).toBeGreaterThan(1);
      assertOffsetsContiguous(records);
    });

    it('resumes after the last committed offsets when reopened', async () => {
      let queue = await openQueue();
      const values = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }));
      await queue.publish('feedback', values);
      let consumer = await consumerOf(queue, { group: 'trainer', topics: ['feedback'] });
      const all = await pollExactly(consumer, 30);
      const processed = all.slice(0, 18);
      await consumer.commit(nextOffsets(processed));
      await consumer.close();
      await queue.close();

      queue = await openQueue();
      consumer = await consumerOf(queue, { group: 'trainer', topics: ['feedback'] });
      const rest = await pollExactly(consumer, 12);
      const expected = new Set(all.map((r) => r.value));
      for (const r of processed) expected.delete(r.value);
      // Per partition, everything after the committed offset comes again, nothing before it.
      const committed = new Map(nextOffsets(processed).map((o) => [o.partition, Number(o.offset)]));
      const redelivered = all.filter((r) => Number(r.offset) >= (committed.get(r.partition) ?? 0));
      expect(rest.map((r) => r.value).sort()).toEqual(redelivered.map((r) => r.value).sort());
      expect(new Set(rest.map((r) => r.value))).toEqual(expected);
    });

    it('starts at startAt offsets over committed ones, and at committed offsets elsewhere', async () => {
      const queue = await openQueue();
      const records = Array.from({ length: 40 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) }));
      await queue.publish('items', records);
      let consumer = await consumerOf(queue, { group: 'g', topics: ['items'] });
      const all = await pollExactly(consumer, 40);
      await consumer.commit(nextOffsets(all));
      await consumer.close();

      const target = all[0].partition;
      const inTarget = all.filter((r) => r.partition === target);
      const from = inTarget[Math.floor(inTarget.length / 2)];
      consumer = await consumerOf(queue, { group: 'g', topics: ['items'], startAt: [{ topic: 'items', partition: target, offset: from.offset }] });
      const replay = await pollExactly(consumer, inTarget.length - inTarget.indexOf(from));
      expect(replay.map((r) => r.value)).toEqual(inTarget.slice(inTarget.indexOf(from)).map((r) => r.value));
      expect(replay.every((r) => r.partition === target)).toBe(true);
    });

    it('reports lag per topic against committed offsets', async () => {
      const queue = await openQueue();
      await queue.publish('items', Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
      const consumer = await consumerOf(queue, { group: 'lagging', topics: ['items', 'feedback'] });
      expect(await consumer.lag()).toEqual({ items: 25, feedback: 0 });
      const records = await pollExactly(consumer, 25);
      const firstTen = records.slice(0, 10);
      await consumer.commit(nextOffsets(firstTen));
      const committedCount = nextOffsets(firstTen).reduce((sum, o) => sum + Number(o.offset), 0);
      const lag = await consumer.lag();
      expect(lag).toEqual({ items: 25 - committedCount, feedback: 0 });
      await consumer.commit(nextOffsets(records));
      expect(await consumer.lag()).toEqual({ items: 0, feedback: 0 });
    });

    it('accepts concurrent publishers without losing, duplicating or reordering records', async () => {
      const queue = await openQueue();
      const publishers = 20;
      const perPublisher = 50;
      await Promise.all(
        Array.from({ length: publishers }, async (_, p) => {
          for (let chunk = 0; chunk < 5; chunk++) {
            await queue.publish('feedback', Array.from({ length: perPublisher / 5 }, (_, i) => ({ key: `pub-${p}`, value: JSON.stringify({ p, seq: chunk * 10 + i }) })));
          }
        }),
      );
      const consumer = await consumerOf(queue, { group: 'g', topics: ['feedback'] });
      const records = await pollExactly(consumer, publishers * perPublisher);
      for (let p = 0; p < publishers; p++) {
        const seqs = records.filter((r) => r.key === `pub-${p}`).map((r) => JSON.parse(r.value).seq);
        expect(seqs).toEqual(Array.from({ length: perPublisher }, (_, i) => i));
      }
      assertOffsetsContiguous(records);
    });

    it('publishes and consumes large batches intact', async () => {
      const queue = await openQueue();
      const payload = 'x'.repeat(900);
      const batch = Array.from({ length: 5000 }, (_, i) => ({ key: `item-${i % 311}`, value: JSON.stringify({ i, payload }), headers: { i: String(i) } }));
      await queue.publish('items', batch);
      const consumer = await consumerOf(queue, { group: 'bulk', topics: ['items'] });
      const records = await pollExactly(consumer, batch.length, 1000);
      const seen = new Set<number>();
      for (const r of records) {
        const { i, payload: p } = JSON.parse(r.value);
        expect(p).toBe(payload);
        expect(r.headers.i).toBe(String(i));
        expect(r.key).toBe(`item-${i % 311}`);
        seen.add(i);
      }
      expect(seen.size).toBe(batch.length);
    });

    it('keeps dead letters on their own topic', async () => {
      const queue = await openQueue();
      await queue.publish('items', [{ key: 'ok', value: '{}' }]);
      await queue.publish('dead-letters', [{ key: 'bad', value: '{"reason":"schema"}', headers: { error: 'value.label: expected a string' } }]);
      const dead = await consumerOf(queue, { group: 'dlq', topics: ['dead-letters'] });
      const [letter] = await pollExactly(dead, 1);
      expect(letter).toMatchObject({ topic: 'dead-letters', key: 'bad', value: '{"reason":"schema"}', headers: { error: 'value.label: expected a string' } });
      const items = await consumerOf(queue, { group: 'items-only', topics: ['items'] });
      expect((await pollExactly(items, 1)).map((r) => r.topic)).toEqual(['items']);
    });

    it('lets readers follow a topic from its beginning without a group, committing nothing', async () => {
      const queue = await openQueue();
      const early = Array.from({ length: 12 }, (_, i) => ({ key: `dl-${i % 4}`, value: `early-${i}`, headers: { reason: `r${i}` } }));
      await queue.publish('dead-letters', early);
      await queue.publish('items', [{ key: 'other', value: 'not a dead letter' }]);
      const first = await queue.reader('dead-letters');
      toClose.unshift(first);
      const seenByFirst = await readExactly(first, early.length);
      expect(seenByFirst.map((r) => r.value).sort()).toEqual(early.map((r) => r.value).sort());
      expect(seenByFirst.every((r) => r.topic === 'dead-letters' && r.headers.reason === `r${r.value.split('-')[1]}`)).toBe(true);

      // A second reader starts from the beginning too, and both see later records.
      const second = await queue.reader('dead-letters');
      toClose.unshift(second);
      await queue.publish('dead-letters', [{ key: 'dl-late', value: 'late' }]);
      expect((await readExactly(first, 1)).map((r) => r.value)).toEqual(['late']);
      expect((await readExactly(second, early.length + 1)).map((r) => r.value).sort()).toEqual([...early.map((r) => r.value), 'late'].sort());

      // Readers leave no position behind: a consumer group still starts at the beginning.
      const group = await consumerOf(queue, { group: 'after-readers', topics: ['dead-letters'] });
      expect(await group.lag()).toEqual({ 'dead-letters': early.length + 1 });
      await expect(queue.reader('nope' as never)).rejects.toThrow(/topic/);
    });

    it("reports a group's committed lag from outside the group, while its consumer stays open", async () => {
      const queue = await openQueue();
      await queue.publish('items', Array.from({ length: 9 }, (_, i) => ({ key: `k${i}`, value: String(i) })));
      await queue.publish('feedback', [{ key: 'f', value: 'x' }]);
      expect(await queue.committedLag('never-committed', ['items', 'feedback'])).toEqual({ items: 9, feedback: 1 });
      const consumer = await consumerOf(queue, { group: 'watched', topics: ['items'] });
      const records = await pollExactly(consumer, 9);
      await consumer.commit(nextOffsets(records.slice(0, 4)));
      const committed = nextOffsets(records.slice(0, 4)).reduce((n, o) => n + Number(o.offset), 0);
      expect(await queue.committedLag('watched', ['items'])).toEqual({ items: 9 - committed });
      await consumer.commit(nextOffsets(records));
      expect(await queue.committedLag('watched', ['items', 'feedback'])).toEqual({ items: 0, feedback: 1 });
      await expect(queue.committedLag('', ['items'])).rejects.toThrow(/group/);
      await expect(queue.committedLag('g', ['nope' as never])).rejects.toThrow(/topics\[0\]/);
    });

    it('rejects bad input with errors naming the field', async () => {
      const queue = await openQueue();
      await expect(queue.publish('itemz' as never, [])).rejects.toThrow(/topic/);
      await expect(queue.publish('items', [{ key: 1, value: '{}' } as never])).rejects.toThrow(/records\[0\]\.key/);
      await expect(queue.publish('items', [{ key: 'a', value: '{}', headers: { h: 2 } } as never])).rejects.toThrow(/records\[0\]\.headers\.h/);
      await expect(queue.consumer({ group: 'g', topics: ['nope' as never] })).rejects.toThrow(/topics\[0\]/);
      await expect(queue.consumer({ group: 'g', topics: ['items'], startAt: [{ topic: 'items', partition: 0, offset: '-3' }] })).rejects.toThrow(/startAt\[0\]\.offset/);
      expect((await queue.health()).ok).toBe(true);
    });
  });
}

/** Polls until exactly `count` records arrived (failing on timeout), then checks no more come. */
export async function pollExactly(consumer: QueueConsumer, count: number, maxRecords = 100, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) {
    const batch = await consumer.poll(maxRecords, Math.min(1000, Math.max(1, deadline - Date.now())));
    expect(batch.length).toBeLessThanOrEqual(maxRecords);
    records.push(...batch);
  }
  expect(records.length).toBe(count);
  expect(await consumer.poll(maxRecords, 200)).toEqual([]);
  return records;
}

/** Polls a reader until exactly `count` records arrived (failing on timeout), then checks no more come. */
async function readExactly(reader: TopicReader, count: number, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const records: ConsumedRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (records.length < count && Date.now() < deadline) records.push(...(await reader.poll(100, Math.min(1000, Math.max(1, deadline - Date.now())))));
  expect(records.length).toBe(count);
  expect(await reader.poll(100, 200)).toEqual([]);
  return records;
}

/** Commit positions after `records`: per topic and partition, the highest offset + 1. */
export function nextOffsets(records: ConsumedRecord[]): TopicPartitionOffset[] {
  const next = new Map<string, TopicPartitionOffset>();
  for (const r of records) {
    const key = `${r.topic}/${r.partition}`;
    const offset = String(Number(r.offset) + 1);
    if (!next.has(key) || Number(next.get(key)!.offset) < Number(offset)) next.set(key, { topic: r.topic, partition: r.partition, offset });
  }
  return [...next.values()];
}

/** Within each partition, offsets arrive in increasing order with no gaps from 0. */
function assertOffsetsContiguous(records: ConsumedRecord[]): void {
  const byPartition = new Map<string, number[]>();
  for (const r of records) {
    const key = `${r.topic}/${r.partition}`;
    byPartition.set(key, [...(byPartition.get(key) ?? []), Number(r.offset)]);
  }
  for (const offsets of byPartition.values()) {
    expect(offsets).toEqual(Array.from({ length: offsets.length }, (_, i) => i));
  }
}
