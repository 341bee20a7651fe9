import { describe, expect, it } from 'vitest';
import { WriteDeadlineError, createGroupCommit } from './group-commit';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('createGroupCommit', () => {
  it('flushes items added during a flush together, in order, one flush at a time', async () => {
    const flushes: number[][] = [];
    let running = 0;
    const commit = createGroupCommit<number>(async (items) => {
      running++;
      expect(running).toBe(1);
      flushes.push(items);
      await sleep(20);
      running--;
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => commit.add(i)));
    expect(flushes.flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(flushes[0]).toEqual([0]);
    expect(flushes).toHaveLength(2);
  });

  it('lets the first items of a batch linger so that later concurrent ones join it', async () => {
    const flushes: number[][] = [];
    const commit = createGroupCommit<number>(async (items) => void flushes.push(items), { lingerMs: 30 });
    const first = commit.add(0);
    await sleep(5);
    await Promise.all([first, commit.add(1), commit.add(2)]);
    expect(flushes).toEqual([[0, 1, 2]]);
  });

  it('runs up to maxInFlight flushes at once, each in its own lane', async () => {
    const lanesSeen: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const commit = createGroupCommit<number>(
      async (_items, lane) => {
        lanesSeen.push(lane);
        mostAtOnce = Math.max(mostAtOnce, ++running);
        await sleep(30);
        running--;
      },
      { maxInFlight: 3 },
    );
    const adds: Promise<void>[] = [];
    for (let i = 0; i < 9; i++) {
      adds.push(commit.add(i));
      await sleep(2);
    }
    await Promise.all(adds);
    expect(mostAtOnce).toBe(3);
    expect(new Set(lanesSeen)).toEqual(new Set([0, 1, 2]));
    await commit.idle();
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

  it('refuses at the deadline: a flushing item may still land, a waiting one is withdrawn', async () => {
    let release!: () => void;
    const stalled = new Promise<void>((r) => (release = r));
    const flushed: string[][] = [];
    const commit = createGroupCommit<string>(async (items) => {
      flushed.push(items);
      if (items.includes('stalled')) await stalled;
    });
    const inFlight = commit.add('stalled', { deadlineMs: 50 });
    const waiting = commit.add('waiting', { deadlineMs: 50 });
    const started = performance.now();
    const [a, b] = await Promise.allSettled([inFlight, waiting]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect((a as PromiseRejectedResult).reason).toBeInstanceOf(WriteDeadlineError);
    expect((a as PromiseRejectedResult).reason.mayStillLand).toBe(true);
    expect((b as PromiseRejectedResult).reason.mayStillLand).toBe(false);
    expect(commit.oldestFlushAgeMs()).toBeGreaterThanOrEqual(40);

    const after = commit.add('after', { deadlineMs: 5000 });
    release();
    await after;
    await commit.idle();
    expect(flushed).toEqual([['stalled'], ['after']]);
    expect(commit.oldestFlushAgeMs()).toBe(0);
  });
});
