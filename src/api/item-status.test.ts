import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { loadConfig } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { createEmbeddedQueue } from '../queue/embedded/embedded-queue';
import { createOnnxModelCatalog } from '../serve/onnx-model-catalog';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { fsCheckpointFolders } from '../store/checkpoint-fs';
import { createModelStore, createVectorStore } from '../store';
import { createOnlineTrainer, type OnlineTrainer } from '../trainer/online-trainer';
import { tinyCnnConfig } from '../../test/support/trainer/fashion-events';
import { createApp } from './app';
import { followDeadLetters, type DeadLetterFollower } from './dead-letters/follow-dead-letters';
import { serveForTest } from '../../test/support/api/serve-for-test';
import { createSharpImageDecoder } from '../image-decoding/sharp-image-decoder';

const pixels = (seed: number) => ({ width: 28, height: 28, channels: 1, data: Array.from({ length: 784 }, (_, i) => (seed * 53 + i * 11) % 256) });

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('item status through a real trainer run (embedded queue and stores, onnxruntime-node)', () => {
  let dir: string;
  let queue: Queue;
  let vectorStore: VectorStore;
  let modelStore: ModelStore;
  let trainer: OnlineTrainer | undefined;
  let deadLetters: DeadLetterFollower;
  let server: { url: string; close(): Promise<void> };
  const runtime = { current: undefined as ReturnType<typeof createOnnxModelRuntime> | undefined };
  const models = { current: undefined as ReturnType<typeof createOnnxModelCatalog> | undefined };

  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const statusOf = async (id: string) => (await (await fetch(`${server.url}/v1/items/${id}`)).json()) as { status: string; reason?: string; modelVersion?: string };

  beforeAll(async () => {
    await selectBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'discern-item-status-'));
    queue = createEmbeddedQueue({ dir: join(dir, 'queue'), partitions: 2 });
    await queue.init();
    vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
    modelStore = createModelStore({ kind: 'fs', dir });
    runtime.current = createOnnxModelRuntime(modelStore);
    models.current = createOnnxModelCatalog({ modelStore, vectorStore, liveAlias: 'catalog' });
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const logger = pino({ level: 'silent' });
    deadLetters = followDeadLetters(queue, { keep: 1000, logger });
    const app = createApp({ imageDecoder: createSharpImageDecoder(), queue, vectorStore, models: models.current, modelStore, config, metrics: new Registry(), logger, deadLetters: deadLetters.view });
    server = await serveForTest(app.fetch);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await trainer?.stop();
    await deadLetters?.close();
    await models.current?.close();
    await runtime.current?.close();
    await queue?.close();
    await vectorStore?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('goes pending → indexed for a good item and pending → rejected, with the reason, for one the trainer refuses', async () => {
    // No model is published yet: the API cannot tell the vector from what the model will take.
    const accepted = await post('/v1/items', { items: [{ id: 'good-1', label: 'a', pixels: pixels(1) }, { id: 'poison-1', vector: [1, 2, 3] }] });
    expect(accepted.status).toBe(202);
    expect((await statusOf('good-1')).status).toBe('pending');
    expect((await statusOf('poison-1')).status).toBe('pending');

    trainer = createOnlineTrainer({
      queue,
      vectorStore,
      modelStore,
      modelRuntime: runtime.current!,
      checkpointFolders: fsCheckpointFolders,
      imageDecoder: createSharpImageDecoder(),
      log: pino({ level: 'silent' }),
      config: { dataDir: dir, encoder: tinyCnnConfig(), seed: 1 },
    });
    await trainer.start();

    const indexed = await waitFor('good-1 indexed', async () => {
      const s = await statusOf('good-1');
      return s.status === 'indexed' ? s : undefined;
    }, 60_000);
    expect(indexed).toMatchObject({ id: 'good-1', status: 'indexed', label: 'a', modelVersion: 'v000001' });
    const rejected = await waitFor('poison-1 rejected', async () => {
      const s = await statusOf('poison-1');
      return s.status === 'rejected' ? s : undefined;
    }, 30_000);
    expect(rejected.reason).toMatch(/^vector: this model takes images/);
    expect(trainer.metrics().phase).toBe('running');

    const list = (await (await fetch(`${server.url}/v1/dead-letters`)).json()) as { deadLetters: { key: string; reason: string; source: { topic: string } }[] };
    expect(list.deadLetters).toEqual([expect.objectContaining({ key: 'poison-1', reason: rejected.reason, source: expect.objectContaining({ topic: 'items' }) })]);
  }, 120_000);

  it('checks items against the live model once one is published, and indexes later items in place', async () => {
    const refused = await post('/v1/items', { items: [{ id: 'poison-2', vector: [1, 2, 3] }] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(['items.0.vector']);

    expect((await post('/v1/items', { items: [{ id: 'good-2', pixels: pixels(2) }] })).status).toBe(202);
    expect(['pending', 'indexed']).toContain((await statusOf('good-2')).status);
    await waitFor('good-2 indexed', async () => ((await statusOf('good-2')).status === 'indexed' ? true : undefined), 30_000);
    expect((await post('/v1/feedback', { events: [{ type: 'pair', a: 'good-1', b: 'good-2', similar: true }] })).status).toBe(202);
    // Once the trainer has committed every item record, an id it did not index names no item.
    await waitFor('the trainer to commit every item record', async () => ((await queue.committedLag('discern-trainer', ['items'])).items === 0 ? true : undefined), 30_000);
    const unknown = await post('/v1/feedback', { events: [{ type: 'pair', a: 'good-1', b: 'poison-2', similar: true }] });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path)).toEqual(['events.0.b']);
  }, 60_000);
});
