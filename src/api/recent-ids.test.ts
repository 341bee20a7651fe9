import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

/** The definition, kept naively: a list in first-added order, trimmed from the front. */
class ReferenceRecentIds {
  readonly ids: string[] = [];
  constructor(private readonly capacity: number) {}
  add(id: string) {
    if (this.ids.includes(id)) return;
    this.ids.push(id);
    if (this.ids.length > this.capacity) this.ids.shift();
  }
}

describe('RecentIds', () => {
  it('remembers the most recent ids up to its capacity, forgetting the oldest first', () => {
    const recent = new RecentIds(3);
    for (const id of ['a', 'b', 'c']) recent.add(id);
    recent.add('b');
    recent.add('d');
    expect(['a', 'b', 'c', 'd'].filter((id) => recent.has(id))).toEqual(['b', 'c', 'd']);
    recent.add('e');
    expect(['b', 'c', 'd', 'e'].filter((id) => recent.has(id))).toEqual(['c', 'd', 'e']);
  });

  it('agrees with a naive reference over a long run of adds with repeats, wrapping many times', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const capacity of [1, 2, 5, 17]) {
      const recent = new RecentIds(capacity);
      const reference = new ReferenceRecentIds(capacity);
      const probes = Array.from({ length: capacity * 3 }, (_, k) => `e${k}`);
      for (let i = 0; i < 1000; i++) {
        const id = probes[Math.floor(random() * probes.length)];
        recent.add(id);
        reference.add(id);
        expect(probes.filter((p) => recent.has(p)), `capacity ${capacity}, after add #${i}`).toEqual(probes.filter((p) => reference.ids.includes(p)));
      }
    }
  });

  it('keeps adds cheap once full (evicting must not scan the set)', () => {
    const recent = new RecentIds(200_000);
    for (let i = 0; i < 200_000; i++) recent.add(`fill-${i}`);
    const started = performance.now();
    // A scan past deleted entries costs ~0.1 ms per add here (~20 s in all); eviction by key, ~0.1 s.
    for (let i = 0; i < 200_000; i++) recent.add(`more-${i}`);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(recent.has('fill-199999')).toBe(false);
    expect(recent.has('more-0')).toBe(true);
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    expect(() => new RecentIds(0)).toThrow(/capacity/);
    expect(() => new RecentIds(1.5)).toThrow(/capacity/);
  });
});
