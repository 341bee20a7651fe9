import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../core/queue';
import type { ImageDataset } from '../data/image-dataset';
import { createEmbeddedQueue } from '../queue/embedded/embedded-queue';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createModelStore, createVectorStore } from '../store';
import type { TrainerStatus } from './online-trainer';
import { fashionSubset, inputsOf, itemRecord, labelRecord, tripletRecord } from '../../test/support/trainer/fashion-events';
import { fsCheckpointFolders } from '../store/checkpoint-fs';
import { loadCheckpointCopy } from './trainer-checkpoint';

const here = new URL('.', import.meta.url).pathname;

function spawnTrainer(dataDir: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, '../../test/support/trainer/trainer-child.ts')], {
    env: {
      ...process.env,
      DISCERN_DATA_DIR: dataDir,
      DISCERN_QUEUE: 'embedded',
      DISCERN_VECTOR_STORE: 'embedded',
      DISCERN_BACKEND: 'wasm',
      LOG_LEVEL: process.env.TRAINER_LOG_LEVEL ?? 'warn',
      TRAINER_OVERRIDES: JSON.stringify({ pollMaxRecords: 8, checkpointEverySeconds: 0.3, stepsAfterSignal: 400, feedbackFreshnessSeconds: 5, seed: 3 }),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

async function readStatus(dataDir: string): Promise<TrainerStatus | undefined> {
  try {
    return JSON.parse(await readFile(join(dataDir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, child?: ChildProcess): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (child && child.exitCode !== null) throw new Error(`trainer exited (${child.exitCode}) while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A 1×1 PNG signature followed by garbage: passes the header check, fails to decode. */
const CORRUPT_PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(16, 7)]).toString('base64');

describe('trainer crash recovery (child process, kill -9, embedded queue)', () => {
  let dataDir: string;
  let data: ImageDataset;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dataDir = await mkdtemp(join(tmpdir(), 'discern-crash-'));
    data = await fashionSubset('train', 35);
  });

  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no accepted record across kill -9 and restart', async () => {
    const queueDir = join(dataDir, 'queue');
    // Phase A: 300 items (30 per class), 10 deletes, 3 bad item records; 200 labels, 20 triplets, a retry, a bad pair.
    const items: OutgoingRecord[] = [];
    const ids: number[] = [];
    for (let c = 0, n = 0; n < 300; c++) if (c % 35 < 30) (ids.push(c), items.push(itemRecord(data, c, `item-${c}`)), n++);
    for (let k = 0; k < 10; k++) items.push({ key: `item-${ids[k]}`, value: JSON.stringify({ schemaVersion: 1, type: 'delete', id: `item-${ids[k]}`, receivedAt: Date.now() }) });
    items.push({ key: 'bad-1', value: '{not json' });
    items.push({ key: 'bad-2', value: JSON.stringify({ schemaVersion: 1, type: 'upsert', receivedAt: 1 }) });
    items.push({ key: 'bad-3', value: JSON.stringify({ schemaVersion: 1, type: 'upsert', id: 'bad-3', image: CORRUPT_PNG, receivedAt: 1 }) });
    const feedback: OutgoingRecord[] = [];
    for (let k = 10; k < 210; k++) feedback.push(labelRecord(`item-${ids[k]}`, String(data.labels[ids[k]]), `label-${k}`));
    for (let t = 0; t < 20; t++) {
      const a = ids[10 + t];
      const p = ids.find((j) => j !== a && data.labels[j] === data.labels[a])!;
      const n = ids.find((j) => data.labels[j] !== data.labels[a])!;
      feedback.push(tripletRecord(`item-${a}`, `item-${p}`, `item-${n}`, `triplet-${t}`));
    }
    feedback.push(labelRecord(`item-${ids[10]}`, String(data.labels[ids[10]]), 'label-10'));
    feedback.push({ key: 'x', value: JSON.stringify({ schemaVersion: 1, type: 'pair', a: 'x', b: 'x', similar: true, eventId: 'bad-pair', receivedAt: 1 }) });
    let queue = createEmbeddedQueue({ dir: queueDir });
    await queue.publish('items', items);
    await queue.publish('feedback', feedback);
    await queue.close();
    const totalA = items.length + feedback.length;

    const first = spawnTrainer(dataDir);
    children.push(first);
    const seenCheckpoints = new Set<string>();
    const atKill = await waitFor(
      'two checkpoints while still consuming',
      async () => {
        const s = await readStatus(dataDir);
        if (s?.checkpoint) seenCheckpoints.add(s.checkpoint.savedAt);
        return s && seenCheckpoints.size >= 2 && s.steps > 0 && s.consumed.items + s.consumed.feedback < totalA ? s : undefined;
      },
      90_000,
      first,
    );
    first.kill('SIGKILL');
    expect((await exited(first)).signal).toBe('SIGKILL');
    expect(atKill.consumed.items + atKill.consumed.feedback).toBeLessThan(totalA);

    // Phase B, while the trainer is down: 50 more items with labels.
    const moreItems: OutgoingRecord[] = [];
    const moreLabels: OutgoingRecord[] = [];
    for (let c = 0; c < 350 && moreItems.length < 50; c++) {
      if (c % 35 >= 30) {
        moreItems.push(itemRecord(data, c, `item-${c}`));
        moreLabels.push(labelRecord(`item-${c}`, String(data.labels[c]), `late-label-${c}`));
      }
    }
    queue = createEmbeddedQueue({ dir: queueDir });
    await queue.publish('items', moreItems);
    await queue.publish('feedback', moreLabels);
    await queue.close();

    const accepted = { items: items.length + moreItems.length, feedback: feedback.length + moreLabels.length };
    const second = spawnTrainer(dataDir);
    children.push(second);
    const settled = await waitFor(
      'every accepted record consumed',
      async () => {
        const s = await readStatus(dataDir);
        return s && s.pid === second.pid && s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback ? s : undefined;
      },
      90_000,
      second,
    );
    second.kill('SIGTERM');
    expect((await exited(second)).code).toBe(0);
    const final = (await readStatus(dataDir))!;

    const liveItems = 300 - 10 + 50;
    expect(final.phase).toBe('stopped');
    expect(final.consumed).toEqual(accepted);
    expect(final.deadLetters).toEqual({ items: 3, feedback: 1 });
    expect(final.duplicates).toBe(1);
    expect(final.applied).toEqual({ items: accepted.items - 3, feedback: accepted.feedback - 2 });
    expect(final.embeddableItems).toBe(liveItems);
    expect(final.labelledItems + final.heldOut.items).toBe(250);
    expect(final.steps).toBeGreaterThanOrEqual(atKill.checkpoint!.step);
    expect(settled.modelVersion).toBeDefined();

    // The stores, opened after the trainer exited: the alias names a complete collection of a stored version.
    const vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dataDir, 'vectors') });
    // As the composition root lays it out.
    const modelStore = createModelStore({ kind: 'fs', dir: join(dataDir, 'models') });
    const runtime = createOnnxModelRuntime(modelStore);
    try {
      const live = (await vectorStore.resolveAlias('catalog'))!;
      const collection = (await vectorStore.listCollections()).find((c) => c.name === live);
      expect(collection?.count).toBe(liveItems);
      expect(await vectorStore.get(live, `item-${ids[0]}`)).toBeUndefined();
      expect((await vectorStore.get(live, `item-${ids[10]}`))?.payload.label).toBe(String(data.labels[ids[10]]));
      const versions = await modelStore.list();
      const newest = versions.at(-1)!;
      expect(live).toBe(`catalog_${newest.id}`);
      const encoder = await loadCheckpointCopy(fsCheckpointFolders, (await modelStore.checkpointDir(newest.id))!);
      expect(encoder.dim).toBe(newest.embeddingDim);
      const vectors = await runtime.embed(newest.id, inputsOf(data, [0, 1]), [2, 28, 28, 1]);
      expect(vectors.every(Number.isFinite)).toBe(true);
      const norms = [0, 1].map((r) => Math.hypot(...vectors.subarray(r * newest.embeddingDim, (r + 1) * newest.embeddingDim)));
      norms.forEach((n) => expect(n).toBeCloseTo(1, 4));

      // Each bad record reached the dead-letter topic with a reason (a crash may repeat one, never drop one).
      queue = createEmbeddedQueue({ dir: queueDir });
      const consumer = await queue.consumer({ group: 'test-dead-letters', topics: ['dead-letters'] });
      const letters = await consumer.poll(1000, 1000);
      await consumer.close();
      await queue.close();
      const sources = new Set(letters.map((l) => `${l.headers['source-topic']}/${l.headers['source-offset']}`));
      expect(sources.size).toBe(4);
      for (const l of letters) expect(l.headers.reason.length).toBeGreaterThan(0);
      expect(letters.find((l) => l.key === 'bad-3')?.headers.reason).toMatch(/image/);
      expect(letters.find((l) => l.key === 'x')?.headers.reason).toMatch(/^b: must differ from a/);
    } finally {
      await runtime.close();
      await vectorStore.close();
    }
  }, 240_000);
});
