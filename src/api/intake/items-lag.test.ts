import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Queue } from '../../core/queue';
import { createEmbeddedQueue } from '../../queue/embedded/embedded-queue';
import { itemsLag } from './items-lag';

describe('itemsLag', () => {
  let dir: string;
  let queue: Queue;
  /** The embedded queue, with each lag query counted and held until `release` is called. */
  let counted: Queue;
  let queriesStarted: number;
  let held: (() => void)[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'items-lag-'));
    queue = createEmbeddedQueue({ dir });
    await queue.init();
    queriesStarted = 0;
    held = [];
    counted = {
      ...queue,
      async committedLag(group, topics) {
        queriesStarted++;
        // Read when the query starts, answered once released: what the broker saw at the time.
        const lag = await queue.committedLag(group, topics);
        await new Promise<void>((release) => held.push(release));
        return lag;
      },
    };
  });
  afterEach(async () => {
    await queue.close();
    await rm(dir, { recursive: true, force: true });
  });

  const releaseAll = async () => {
    while (held.length === 0) await new Promise((r) => setImmediate(r));
    for (const release of held.splice(0)) release();
  };

  it('answers concurrent callers with one query per round instead of one each', async () => {
    await queue.publish('items', [{ key: 'a', value: '{}' }]);
    const first = itemsLag(counted, 'trainer');
    const rest = Array.from({ length: 20 }, () => itemsLag(counted, 'trainer'));
    await releaseAll(); // the first caller's query, started alone
    await releaseAll(); // the one the other 20 share
    expect(await Promise.all([first, ...rest])).toEqual(new Array(21).fill(1));
    expect(queriesStarted).toBe(2);
  });

  it('never answers a caller from a query that started before it called', async () => {
    const before = itemsLag(counted, 'trainer');
    while (held.length === 0) await new Promise((r) => setImmediate(r));
    // Accepted after the first query started: a caller from now on must count it.
    await queue.publish('items', [{ key: 'b', value: '{}' }]);
    const after = itemsLag(counted, 'trainer');
    await releaseAll();
    expect(await before).toBe(0);
    await releaseAll();
    expect(await after).toBe(1);
    expect(queriesStarted).toBe(2);
  });

  it('keeps one sequence of queries per consumer group', async () => {
    const a = itemsLag(counted, 'group-a');
    const b = itemsLag(counted, 'group-b');
    while (held.length < 2) await new Promise((r) => setImmediate(r));
    await releaseAll();
    expect(await Promise.all([a, b])).toEqual([0, 0]);
    expect(queriesStarted).toBe(2);
  });
});
