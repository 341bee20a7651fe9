import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit';

describe('createGroupCommit', () => {
  it('flushes items added during a flush together, in order, one flush at a time', async () => {
    const flushes: number[][] = [];
    let running = 0;
    const commit = createGroupCommit<number>(async (items) => {
      running++;
      expect(running).toBe(1);
      flushes.push(items);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => commit.add(i)));
    expect(flushes.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(flushes[0]).toEqual([0]);
    expect(flushes).toHaveLength(2);
  });

  it('rejects exactly the items of a failed flush and keeps going', async () => {
    const commit = createGroupCommit<string>(async (items) => {
      if (items.includes('bad')) throw new Error('disk full');
    });
    const first = commit.add('ok');
    const failed = [commit.add('bad'), commit.add('also in the failed flush')];
    await expect(first).resolves.toBeUndefined();
    for (const f of failed) await expect(f).rejects.toThrow('disk full');
    await expect(commit.add('later')).resolves.toBeUndefined();
    await commit.idle();
  });
});
