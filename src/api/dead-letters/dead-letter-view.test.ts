import { describe, expect, it } from 'vitest';
import type { ConsumedRecord } from '../../core/queue';
import { deadLetterFor } from '../../trainer/dead-letter';
import { deadLetterEntryOf } from './dead-letter-entry';
import { DeadLetterView } from './dead-letter-view';

/** The dead letter of items record `offset` (item `id`, accepted at `receivedAt`), itself at `at` / `position`. */
function letter(id: string, offset: number, receivedAt: number | undefined, at: number, position: number, partition = 0): ConsumedRecord {
  const source: ConsumedRecord = { topic: 'items', partition: 0, offset: String(offset), key: id, value: JSON.stringify({ type: 'upsert', id, receivedAt }), headers: {}, timestamp: 0 };
  const out = deadLetterFor(source, `reason ${offset}`);
  return { topic: 'dead-letters', partition, offset: String(position), key: out.key, value: out.value, headers: out.headers ?? {}, timestamp: at };
}

describe('DeadLetterView', () => {
  it('orders letters by time, partition and offset whatever order they arrive in, and pages newest first', () => {
    const view = new DeadLetterView(100);
    const letters = [letter('a', 1, 1, 1000, 0, 1), letter('b', 2, 2, 1000, 0, 0), letter('c', 3, 3, 999, 1, 0), letter('d', 4, 4, 1001, 1, 1)];
    for (const l of letters) view.add(deadLetterEntryOf(l));
    const first = view.page({ limit: 3 });
    expect(first.deadLetters.map((e) => e.key)).toEqual(['d', 'a', 'b']);
    expect(view.page({ limit: 3, cursor: first.nextCursor })).toEqual({ deadLetters: [expect.objectContaining({ key: 'c' })] });
    expect(view.page({ limit: 4 }).nextCursor).toBeUndefined();
  });

  it('drops repeats of a source record and forgets the oldest beyond its capacity', () => {
    const view = new DeadLetterView(2);
    view.add(deadLetterEntryOf(letter('a', 1, 10, 1, 0)));
    view.add(deadLetterEntryOf(letter('a', 1, 10, 2, 1)));
    expect(view.size).toBe(1);
    view.add(deadLetterEntryOf(letter('b', 2, 20, 3, 2)));
    view.add(deadLetterEntryOf(letter('c', 3, 30, 4, 3)));
    expect(view.page({ limit: 10 }).deadLetters.map((e) => e.key)).toEqual(['c', 'b']);
    expect(view.rejectionOf('a')).toBeUndefined();
    expect(view.rejectionOf('c')?.reason).toBe('reason 3');
  });

  it("keeps an item's newest rejected write, by when the API accepted it", () => {
    const view = new DeadLetterView(10);
    view.add(deadLetterEntryOf(letter('x', 5, 500, 10, 0)));
    view.add(deadLetterEntryOf(letter('x', 4, 400, 11, 1)));
    expect(view.rejectionOf('x')?.source.offset).toBe('5');
    view.add(deadLetterEntryOf(letter('x', 6, 600, 12, 2)));
    expect(view.rejectionOf('x')?.record.receivedAt).toBe(600);
  });
});
