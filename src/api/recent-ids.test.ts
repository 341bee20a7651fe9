import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids';

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
});
