import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { mountFreezable, mountTmpfs } from '../../../test/support/scratch-mounts';
import { createApp } from '../../api';
import { createProjectionModelCatalog } from '../../../test/support/api/projection-model-catalog';
import { loadConfig } from '../../config/load-config';
import { QueueUnavailableError, type Queue } from '../../core/queue';
import { openEmbeddedVectorStore } from '../../store/embedded';
import { createEmbeddedQueue } from './embedded-queue';
import { DeadLetterView } from '../../api/dead-letters/dead-letter-view';
import { createSharpImageDecoder } from '../../image-decoding/sharp-image-decoder';

/** Slack on top of the write deadline for a loaded machine. */
const MARGIN_MS = 4000;

/** Every record on `topic`, in log order, read by a fresh consumer group. */
async function readAll(queue: Queue, topic: 'items' | 'feedback'): Promise<string[]> {
  const consumer = await queue.consumer({ group: `check-${Math.random()}`, topics: [topic] });
  const values: string[] = [];
  for (let batch = await consumer.poll(10_000, 500); batch.length > 0; batch = await consumer.poll(10_000, 200)) values.push(...batch.map((r) => r.value));
  await consumer.close();
  return values;
}

async function outcome(publish: Promise<void>): Promise<{ ok: true } | { ok: false; error: unknown }> {
  return publish.then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/** Writes to `path` until the filesystem is full. */
async function fillUp(path: string): Promise<void> {
  const file = await open(path, 'w');
  try {
    for (let size = 64 << 10; size >= 1; ) {
      try {
        await file.write(Buffer.alloc(size));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        size >>= 1;
      }
    }
  } finally {
    await file.close();
  }
}

async function appOver(queue: Queue, vectorsDir: string) {
  return createApp({ imageDecoder: createSharpImageDecoder(),
    queue,
    vectorStore: await openEmbeddedVectorStore({ dir: vectorsDir }),
    models: createProjectionModelCatalog({}),
    config: loadConfig({}),
    metrics: new Registry(),
    logger: pino({ level: 'silent' }),
    deadLetters: new DeadLetterView(100),
  });
}

const feedbackBody = (n: number) => JSON.stringify({ events: [{ type: 'label', itemId: `item-${n}`, label: 'shirt', eventId: `stall-${n}` }] });

describe('embedded queue on a failing disk', () => {
  it('answers 503 within the write deadline while the disk is stalled, readiness says stalled, and keeps every acknowledged record', async () => {
    const disk = await mountFreezable(32 << 20);
    const vectors = await mkdtemp(join(tmpdir(), 'discern-stall-vectors-'));
    const deadlineMs = 1000;
    let queue = createEmbeddedQueue({ dir: join(disk.dir, 'queue'), writeDeadlineMs: deadlineMs });
    try {
      const app = await appOver(queue, vectors);
      const post = (n: number) => app.request('/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: feedbackBody(n) });
      const acknowledged: string[] = [];
      for (let n = 0; n < 5; n++) {
        expect((await post(n)).status).toBe(202);
        acknowledged.push(`stall-${n}`);
      }
      expect((await queue.health()).ok).toBe(true);

      await disk.freeze();
      const started = performance.now();
      const during = await Promise.all([5, 6, 7, 8].map(post));
      const elapsedMs = performance.now() - started;
      for (const response of during) {
        expect(response.status).toBe(503);
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(elapsedMs).toBeLessThan(deadlineMs + MARGIN_MS);
      const direct = await outcome(queue.publish('items', [{ key: 'x', value: '"during"' }]));
      expect(direct.ok).toBe(false);
      expect((direct as { error: unknown }).error).toBeInstanceOf(QueueUnavailableError);
      const health = await queue.health();
      expect(health).toMatchObject({ ok: false, detail: expect.stringMatching(/^stalled: write pending for \d+\.\d s/) });
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.stringify(await ready.json())).toContain('stalled');

      await disk.thaw();
      for (let n = 9; n < 12; n++) {
        expect((await post(n)).status).toBe(202);
        acknowledged.push(`stall-${n}`);
      }
      expect((await queue.health()).ok).toBe(true);

      await queue.close();
      queue = createEmbeddedQueue({ dir: join(disk.dir, 'queue') });
      const logged = (await readAll(queue, 'feedback')).map((v) => JSON.parse(v).eventId as string);
      for (const id of acknowledged) expect(logged.filter((l) => l === id)).toHaveLength(1);
      // Refused records whose write had begun may land; none is written twice.
      expect(new Set(logged).size).toBe(logged.length);
    } finally {
      await disk.thaw();
      await queue.close();
      await disk.unmount();
      await rm(vectors, { recursive: true, force: true });
    }
  }, 60_000);

  it('answers 503 when the disk is full, never acknowledges a record it lost, and accepts writes again once space is freed', async () => {
    const disk = await mountTmpfs(2 << 20);
    const vectors = await mkdtemp(join(tmpdir(), 'discern-full-vectors-'));
    let queue = createEmbeddedQueue({ dir: join(disk.dir, 'queue') });
    try {
      await queue.init();
      // Room to free later: a filler file that takes a third of the disk.
      const filler = join(disk.dir, 'filler');
      await writeFile(filler, Buffer.alloc(700 << 10));
      const app = await appOver(queue, vectors);
      const payload = 'x'.repeat(8 << 10);
      const acknowledged: number[] = [];
      let refusals = 0;
      for (let n = 0; n < 400 && refusals < 5; n++) {
        const result = await outcome(queue.publish('items', [{ key: `item-${n % 7}`, value: JSON.stringify({ n, payload }) }]));
        if (result.ok) acknowledged.push(n);
        else {
          expect(result.error).toBeInstanceOf(QueueUnavailableError);
          expect((result.error as Error).message).toMatch(/ENOSPC|no space/i);
          refusals++;
        }
      }
      expect(refusals).toBe(5);
      expect(acknowledged.length).toBeGreaterThan(50);
      // Small records may still fit in the last partly used page: take that space too.
      await fillUp(join(disk.dir, 'last-bytes'));
      const full = await app.request('/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: feedbackBody(0) });
      expect(full.status).toBe(503);
      expect(full.headers.get('retry-after')).not.toBeNull();

      await rm(filler);
      for (let n = 1000; n < 1010; n++) {
        await queue.publish('items', [{ key: `item-${n % 7}`, value: JSON.stringify({ n, payload }) }]);
        acknowledged.push(n);
      }
      expect((await app.request('/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: feedbackBody(1) })).status).toBe(202);
      expect((await readAll(queue, 'feedback')).map((v) => JSON.parse(v).eventId)).toEqual(['stall-1']);

      await queue.close();
      queue = createEmbeddedQueue({ dir: join(disk.dir, 'queue') });
      const logged = (await readAll(queue, 'items')).map((v) => JSON.parse(v).n as number);
      expect(logged).toEqual(acknowledged);
    } finally {
      await queue.close();
      await disk.unmount();
      await rm(vectors, { recursive: true, force: true });
    }
  }, 60_000);
});
