import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { queueContract, pollExactly } from '../queue.contract';
import { createEmbeddedQueue } from './embedded-queue';
import { partitionForKey } from './partition-for-key';

queueContract('embedded', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'discern-queue-'));
  return {
    partitions: 3,
    open: async () => createEmbeddedQueue({ dir, partitions: 3 }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('embedded queue durability', () => {
  it('keeps every acknowledged publish when the process is killed mid-publish', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-crash-'));
    try {
      const script = fileURLToPath(new URL('./crash-publisher.fixture.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acked: number[] = [];
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      for await (const line of createInterface({ input: child.stdout })) {
        const [word, first, count] = line.split(' ');
        if (word === 'ok') for (let i = 0; i < Number(count); i++) acked.push(Number(first) + i);
        if (acked.length >= 3000 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      }
      expect(await exited).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThanOrEqual(3000);

      const queue = createEmbeddedQueue({ dir, partitions: 2 });
      await queue.init();
      const consumer = await queue.consumer({ group: 'verify', topics: ['items'] });
      const seen = new Map<number, number>();
      for (let batch = await consumer.poll(5000, 500); batch.length > 0; batch = await consumer.poll(5000, 200)) {
        for (const r of batch) {
          const { n } = JSON.parse(r.value);
          expect(r.key).toBe(`item-${n % 97}`);
          expect(r.partition).toBe(partitionForKey(r.key, 2));
          seen.set(n, (seen.get(n) ?? 0) + 1);
        }
      }
      const missing = acked.filter((n) => !seen.has(n));
      expect(missing).toEqual([]);
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      // The reopened log accepts and serves new records after the recovered ones.
      await queue.publish('items', [{ key: 'after', value: '{"n":-1}' }]);
      expect((await consumer.poll(10, 2000)).map((r) => r.key)).toEqual(['after']);
      await queue.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('truncates a torn last record on open and keeps the intact ones', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-torn-'));
    try {
      let queue = createEmbeddedQueue({ dir });
      await queue.publish('feedback', [{ key: 'a', value: '1' }, { key: 'a', value: '2' }]);
      await queue.close();
      const file = join(dir, 'feedback', '0.log');
      const intact = (await stat(file)).size;
      const full = await readFile(file);
      // A torn write: the header and half the payload of a copy of the last frame.
      await appendFile(file, full.subarray(full.length / 2, full.length - 3));
      queue = createEmbeddedQueue({ dir });
      const consumer = await queue.consumer({ group: 'g', topics: ['feedback'] });
      expect((await pollExactly(consumer, 2)).map((r) => r.value)).toEqual(['1', '2']);
      expect((await stat(file)).size).toBe(intact);
      await queue.publish('feedback', [{ key: 'a', value: '3' }]);
      expect((await consumer.poll(10, 2000)).map((r) => [r.offset, r.value])).toEqual([['2', '3']]);
      await queue.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops everything from a corrupted frame on (CRC mismatch)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-crc-'));
    try {
      let queue = createEmbeddedQueue({ dir });
      await queue.publish('items', [{ key: 'a', value: '"first"' }, { key: 'a', value: '"second"' }]);
      await queue.close();
      const file = join(dir, 'items', '0.log');
      const bytes = await readFile(file);
      bytes[bytes.length - 2] ^= 0xff;
      await writeFile(file, bytes);
      queue = createEmbeddedQueue({ dir });
      const consumer = await queue.consumer({ group: 'g', topics: ['items'] });
      expect((await pollExactly(consumer, 1)).map((r) => r.value)).toEqual(['"first"']);
      await queue.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a directory held by another live process and a second consumer of a group', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-lock-'));
    try {
      await writeFile(join(dir, 'LOCK'), String(process.ppid));
      await expect(createEmbeddedQueue({ dir }).init()).rejects.toThrow(/in use by process/);
      await rm(join(dir, 'LOCK'));
      const queue = createEmbeddedQueue({ dir });
      await queue.consumer({ group: 'g', topics: ['items'] });
      await expect(queue.consumer({ group: 'g', topics: ['items'] })).rejects.toThrow(/group: consumer group "g"/);
      await queue.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('wakes a waiting poll as soon as a record is published', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-wake-'));
    try {
      const queue = createEmbeddedQueue({ dir });
      const consumer = await queue.consumer({ group: 'g', topics: ['items'] });
      const started = Date.now();
      const polled = consumer.poll(10, 10_000);
      setTimeout(() => void queue.publish('items', [{ key: 'k', value: '"v"' }]), 100);
      expect((await polled).map((r) => r.value)).toEqual(['"v"']);
      expect(Date.now() - started).toBeLessThan(5000);
      await queue.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
