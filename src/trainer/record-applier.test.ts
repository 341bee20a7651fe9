import { describe, expect, it } from 'vitest';
import { CatalogState } from './catalog-state';
import { FeedbackMemory } from './feedback-memory';
import { createHoldout } from './holdout';
import { HoldoutMemory } from './holdout-memory';
import { LabelConsensus } from './label-consensus';
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

async function replay(order: Step[], consensus?: LabelConsensus) {
  const catalog = new CatalogState({ features: 2 });
  const memory = new FeedbackMemory({ capacity: 100, classesPerBatch: 2, itemsPerClass: 2 });
  const applier = new RecordApplier(catalog, memory, consensus);
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

  it('rebuilds the same state with the poisoning guard, whatever the interleaving', async () => {
    // The generator reuses one array: each kept order is copied.
    const orders: Step[][] = [];
    let k = 0;
    for (const order of interleavings(LOGS.map((l) => l.records.length))) if (k++ % 97 === 0) orders.push([...order]);
    const states = await Promise.all(orders.map((order) => replay(order, new LabelConsensus())));
    // One voice (anonymous feedback, 'late') against one (the catalog, 'meta'): the newer wins, as in the catalog.
    expect(states[0].memoryLabels).toEqual({ a: 'meta', b: 'fixed', z: undefined });
    for (const state of states) expect(state).toEqual(states[0]);
  });
});

describe('RecordApplier with the poisoning guard', () => {
  const vote = (itemId: string, text: string, source: string, at: number, eventId: string) => ({
    schemaVersion: 1,
    type: 'label',
    itemId,
    label: text,
    source,
    eventId,
    receivedAt: at,
  });

  it('trains on what distinct sources agree on while the catalog keeps the newest label, held-out items included', async () => {
    const catalog = new CatalogState({ features: 2 });
    const holdout = createHoldout({ fraction: 0.5 });
    const memory = new HoldoutMemory({ capacity: 100, classesPerBatch: 2, itemsPerClass: 2 }, holdout);
    const consensus = new LabelConsensus();
    const applier = new RecordApplier(catalog, memory, consensus);
    const ids = Array.from({ length: 8 }, (_, i) => `shoe-${i}`);
    let offset = 0;
    const at = (topic: 'items' | 'feedback') => ({ topic, partition: 0, offset: offset++ });
    for (const id of ids) await applier.apply(at('items'), upsert(id, id, 1, { vector: [1, 2] }).value);
    for (const [i, id] of ids.entries()) await applier.apply(at('feedback'), vote(id, 'sneaker', `user:${i}`, 10, `honest-${id}`));
    for (let round = 0; round < 5; round++) {
      for (const id of ids) await applier.apply(at('feedback'), vote(id, 'ankle boot', 'mallory', 20 + round, `flood-${id}-${round}`));
    }
    expect(consensus.isSuspect('mallory')).toBe(true);
    const held = ids.filter((id) => holdout.holdsItem(id));
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(ids.length);
    for (const id of ids) expect(catalog.get(id)?.label).toBe('ankle boot');
    for (const id of ids.filter((id) => !holdout.holdsItem(id))) expect(memory.labelOf(id)).toBe('sneaker');
    expect(memory.heldOut.labelledCount).toBe(held.length);
    // Pairs contradicting the consensus count a tenth; from the suspect source a tenth again.
    const pairs = [
      { schemaVersion: 1, type: 'pair', a: ids[0], b: ids[1], similar: false, source: 'user:9', eventId: 'p1', receivedAt: 30 },
      { schemaVersion: 1, type: 'pair', a: ids[2], b: ids[3], similar: false, source: 'mallory', eventId: 'p2', receivedAt: 31 },
    ];
    for (const p of pairs) await applier.apply(at('feedback'), p);
    const trained = [0.1, 0.01].filter((_, k) => !holdout.holdsConstraint({ kind: 'pair', a: pairs[k].a, b: pairs[k].b, similar: false, weight: 1, at: 0 }));
    const weights = memory.sampleConstraints(10).map((c) => Number(c.weight.toFixed(4)));
    expect(weights.sort()).toEqual(trained.sort());
  });
});
