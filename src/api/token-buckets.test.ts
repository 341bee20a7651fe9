import { describe, expect, it } from 'vitest';
import { TokenBuckets } from './token-buckets';

describe('TokenBuckets', () => {
  it('grants a burst, then one request per refill interval, per client', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 2, burst: 3, now: () => now });
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a')]).toEqual([0, 0, 0]);
    expect(buckets.take('a')).toBeCloseTo(0.5, 6);
    expect(buckets.take('b')).toBe(0);
    now += 250;
    expect(buckets.take('a')).toBeCloseTo(0.25, 6);
    now += 250;
    expect(buckets.take('a')).toBe(0);
    expect(buckets.take('a')).toBeCloseTo(0.5, 6);
    now += 60_000;
    // Refills never exceed the burst.
    expect([buckets.take('a'), buckets.take('a'), buckets.take('a'), buckets.take('a') > 0]).toEqual([0, 0, 0, true]);
  });

  it('forgets idle clients first and never tracks more than maxClients', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1, maxClients: 3, now: () => now });
    buckets.take('busy');
    now += 10_000;
    buckets.take('idle-1');
    buckets.take('idle-2');
    now += 1;
    buckets.take('new');
    expect(buckets.size).toBeLessThanOrEqual(3);
    // 'busy' refilled long ago and was forgotten: it starts again with a full bucket.
    expect(buckets.take('busy')).toBe(0);
    for (let i = 0; i < 100; i++) buckets.take(`flood-${i}`);
    expect(buckets.size).toBeLessThanOrEqual(3);
  });

  it('refuses a rate of zero or a burst below one', () => {
    expect(() => new TokenBuckets({ perSecond: 0, burst: 1 })).toThrow(/perSecond/);
    expect(() => new TokenBuckets({ perSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});
