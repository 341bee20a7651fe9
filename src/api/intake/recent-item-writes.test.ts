import { describe, expect, it } from 'vitest';
import { RecentItemWrites } from './recent-item-writes';

describe('RecentItemWrites', () => {
  it('keeps the newest write per id and forgets the oldest writes beyond its capacity', () => {
    const recent = new RecentItemWrites(3);
    recent.record('a', { receivedAt: 1, deleted: false });
    recent.record('b', { receivedAt: 2, deleted: false });
    recent.record('a', { receivedAt: 3, deleted: true });
    expect(recent.get('a')).toEqual({ receivedAt: 3, deleted: true });
    // The slot of a's first write is reused: a itself, written since, stays.
    recent.record('c', { receivedAt: 4, deleted: false });
    expect(recent.get('a')).toEqual({ receivedAt: 3, deleted: true });
    recent.record('d', { receivedAt: 5, deleted: false });
    expect(recent.get('b')).toBeUndefined();
    expect([recent.get('a'), recent.get('c'), recent.get('d')].every(Boolean)).toBe(true);
    recent.record('e', { receivedAt: 6, deleted: false });
    expect(recent.get('a')).toBeUndefined();
    expect(() => new RecentItemWrites(0)).toThrow(/capacity/);
  });
});
