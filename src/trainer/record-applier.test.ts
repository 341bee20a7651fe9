import { describe, expect, it } from 'vitest';
import { CatalogState } from './catalog-state';
import { FeedbackMemory } from './feedback-memory';
import { RecordApplier, type RecordPosition } from './record-applier';

interface LogRecord {
  name: string;
  value: Record<string, unknown>;
}

const upsert = (name: string, id: string, at: number, fields: Record<string, unknown>): LogRecord => ({
  name,
  value: { schemaVersion: 1, type: 'upsert', id, receivedAt: at, ...fields },
});
const remove = (name: string, id: string, at: number): LogRecord => ({ name, value: { schemaVersion: 1, type: 'delete', id, receivedAt: at } });
const label = (name: string, itemId: string, text: string, at: number, eventId = name): LogRecord => ({
  name,
  value: { schemaVersion: 1, type: 'label', itemId, label: text, eventId, receivedAt: at },
});
const pair = (name: string, a: string, b: string, at: number): LogRecord => ({
  name,
  value: { schemaVersion: 1, type: 'pair', a, b, similar: true, eventId: name, receivedAt: at },
});

/** Three partitions, each in its own log order (what a queue guarantees); `receivedAt` is the API's accept time. */
const LOGS: Array<{ topic: RecordPosition['topic']; partition: number; records: LogRecord[] }> = [
  {
    topic: 'items',
    partition: 0,
    records: [
      upsert('a-orig', 'a', 10, { vector: [1, 1], label: 'orig', attributes: { c: 1 } }),
      upsert('b-orig', 'b', 11, { vector: [2, 2], label: 'orig' }),
      remove('a-delete', 'a', 30),
      upsert('a-readd', 'a', 40, { vector: [3, 3], attributes: { c: 2 } }),
      upsert('a-meta', 'a', 50, { label: 'meta' }),
      upsert('z-meta-unknown', 'z', 55, { label: 'x' }),
    ],
  },
  {
    topic: 'feedback',
    partition: 0,
    records: [label('a-fixed', 'a', 'fixed', 20), pair('pair-before-delete', 'a', 'b', 25), label('a-late', 'a', 'late', 45)],
  },
  {
    topic: 'feedback',
    partition: 1,
    records: [label('b-fixed', 'b', 'fixed', 12), pair('pair-after-readd', 'a', 'b', 46), label('b-fixed-retry', 'b', 'fixed', 47, 'b-fixed')],
  },
];

type Step = { log: number; index: number };

/** Every interleaving of the logs that keeps each log's own order. */
function* interleavings(lengths: number[], prefix: Step[] = [], taken = lengths.map(() => 0)): Generator<Step[]> {
  if (taken.every((n, log) => n === lengths[log])) {
    yield prefix;
    return;
  }
  for (let log = 0; log < lengths.length; log++) {
    if (taken[log] === lengths[log]) continue;
    taken[log]++;
    prefix.push({ log, index: taken[log] - 1 });
    yield* interleavings(lengths, prefix, taken);
    prefix.pop();
    taken[log]--;
  }
}

async function replay(order: Step[]) {
  const catalog = new CatalogState({ features: 2 });
  const memory = new FeedbackMemory({ capacity: 100, classesPerBatch: 2, itemsPerClass: 2 });
  const applier = new RecordApplier(catalog, memory);
  const outcomes: Record<string, string> = {};
  for (const { log, index } of order) {
    const { topic, partition, records } = LOGS[log];
    const outcome = await applier.apply({ topic, partition, offset: index }, structuredClone(records[index].value));
    outcomes[records[index].name] = outcome.kind;
  }
  const items = Object.fromEntries(
    ['a', 'b', 'z'].map((id) => {
      const item = catalog.get(id);
      return [id, item && { label: item.label, attributes: item.attributes, input: item.input && Array.from(item.input) }];
    }),
  );
  const memoryLabels = Object.fromEntries(['a', 'b', 'z'].map((id) => [id, memory.labelOf(id)]));
  return { items, memoryLabels, constraints: memory.constraintCount, size: catalog.size, outcomes };
}

describe('RecordApplier: the catalog after replay does not depend on how the topics interleave', () => {
  it('rebuilds the same state, the one the accept order gives, from every interleaving of the logs', async () => {
    const acceptOrder = LOGS.flatMap((l, log) => l.records.map((r, index) => ({ log, index, at: r.value.receivedAt as number })))
      .sort((x, y) => x.at - y.at)
      .map(({ log, index }) => ({ log, index }));
    const expected = await replay(acceptOrder);
    expect(expected.items).toEqual({
      a: { label: 'meta', attributes: { c: 2 }, input: [3, 3] },
      b: { label: 'fixed', attributes: undefined, input: [2, 2] },
      z: undefined,
    });
    expect(expected.memoryLabels).toEqual({ a: 'meta', b: 'fixed', z: undefined });
    expect(expected.constraints).toBe(1);
    expect(expected.size).toBe(2);
    expect(expected.outcomes['z-meta-unknown']).toBe('dead');
    expect(expected.outcomes['b-fixed-retry']).toBe('duplicate');

    let count = 0;
    const differing: string[] = [];
    for (const order of interleavings(LOGS.map((l) => l.records.length))) {
      count++;
      const state = await replay(order);
      try {
        expect(state).toEqual(expected);
      } catch {
        differing.push(order.map(({ log, index }) => LOGS[log].records[index].name).join(' → '));
      }
    }
    expect(count).toBe(18_480); // 12! / (6! 3! 3!)
    expect(differing.slice(0, 3)).toEqual([]);
  }, 120_000);

  it('keeps label feedback over the item upsert it corrects when the upsert is applied last', async () => {
    const catalog = new CatalogState({ features: 2 });
    const memory = new FeedbackMemory({ capacity: 10, classesPerBatch: 2, itemsPerClass: 2 });
    const applier = new RecordApplier(catalog, memory);
    await applier.apply({ topic: 'feedback', partition: 0, offset: 0 }, label('fix', 'ord-1', 'fixed', 200).value);
    const outcome = await applier.apply({ topic: 'items', partition: 0, offset: 0 }, upsert('orig', 'ord-1', 100, { vector: [1, 2], label: 'orig' }).value);
    expect(outcome).toEqual({ kind: 'applied', signal: true, touched: ['ord-1'] });
    expect(catalog.get('ord-1')).toMatchObject({ label: 'fixed', updatedAt: 200 });
    expect(memory.labelOf('ord-1')).toBe('fixed');
  });
});
