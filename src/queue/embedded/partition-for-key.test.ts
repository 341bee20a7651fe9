import { describe, expect, it } from 'vitest';
import { partitionForKey } from './partition-for-key';

describe('partitionForKey', () => {
  it('is FNV-1a (published test vectors) modulo the partition count', () => {
    // Reference values of 32-bit FNV-1a from the FNV test suite.
    expect(partitionForKey('a', 0xe40c292c + 1)).toBe(0xe40c292c);
    expect(partitionForKey('foobar', 0xbf9cf968 + 1)).toBe(0xbf9cf968);
    expect(partitionForKey('foobar', 7)).toBe(0xbf9cf968 % 7);
  });

  it('spreads many keys roughly evenly and always maps a key to the same partition', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionForKey(`item-${i}`, 4)]++;
    for (const c of counts) expect(c).toBeGreaterThan(800);
    expect(partitionForKey('item-7', 4)).toBe(partitionForKey('item-7', 4));
    expect(partitionForKey('anything', 1)).toBe(0);
  });
});
