import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomThumbnailEncoderOnnx } from '../../test/support/random-thumbnail-encoder';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { createLogger } from '../log/logger';
import { createQueue } from '../queue';
import { createOnnxModelRuntime, type OnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createModelStore, createVectorStore } from '../store';
import { seededRandom } from '../store/seeded-random';
import { createCatalogEmbedder, type CatalogRow } from '../catalog-embedding/catalog-embedder';
import { createQueueCatalogEmbedder } from './queue-catalog-embedder';
import { decodeTaskInputs, encodeReembedTask } from './reembed-task';
import { createReembedWorker } from './reembed-worker';
import { splitIntoShares } from './split-into-shares';

const log = createLogger('reembed-test');
const ROW = [28, 28, 1];

function pixelItems(n: number, seed: number, prefix = 'item'): CatalogRow[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}`,
    input: Float32Array.from({ length: 784 }, () => Math.floor(random() * 256)),
    payload: { label: `c${i % 3}`, attributes: { n: i } },
  }));
}

describe('re-embed tasks', () => {
  it('carry pixels as bytes and other inputs as float32, decoding to the same rows', () => {
    const pixels = pixelItems(3, 1);
    const task = encodeReembedTask({ version: 'v000001', collection: 'catalog_v000001', share: 0, shares: 1, rowShape: ROW }, pixels);
    expect(task.encoding).toBe('u8');
    expect(Buffer.from(task.inputs, 'base64').length).toBe(3 * 784);
    expect(decodeTaskInputs(task)).toEqual(Float32Array.from(pixels.flatMap((p) => [...p.input])));

    const features = [{ id: 'f', input: Float32Array.from([0.5, -1.25, 1e-7, 300]), payload: {} }];
    const floats = encodeReembedTask({ version: 'v1', collection: 'c', share: 0, shares: 1, rowShape: [4] }, features);
    expect(floats.encoding).toBe('f32');
    expect(decodeTaskInputs(floats)).toEqual(features[0].input);
    expect(() => decodeTaskInputs({ ...floats, inputs: Buffer.alloc(3).toString('base64') })).toThrow(/^inputs: /);
  });

  it('are cut to at most maxItems items and under the byte budget', () => {
    const items = pixelItems(25, 2);
    expect(splitIntoShares(items, { maxItems: 10, rowSize: 784 }).map((s) => s.length)).toEqual([10, 10, 5]);
    const small = splitIntoShares(items, { maxItems: 100, rowSize: 784, maxBytes: 5000 * 3 });
    expect(small.every((s) => s.length === 3 || s === small.at(-1))).toBe(true);
    expect(small.flat().map((i) => i.id)).toEqual(items.map((i) => i.id));
  });
});

describe('re-embedding spread over workers (embedded queue and store, onnxruntime-node)', () => {
  let dir: string;
  let queue: Queue;
  let vectorStore: VectorStore;
  let modelStore: ModelStore;
  let runtime: OnnxModelRuntime;
  const catalog = pixelItems(90, 3);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discern-reembed-'));
    queue = createQueue({ kind: 'embedded', dir: join(dir, 'queue'), partitions: 3 });
    await queue.init();
    vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
    modelStore = createModelStore({ kind: 'fs', dir: join(dir, 'models') });
    const sample = Float32Array.from(catalog.slice(0, 20).flatMap((i) => [...i.input]));
    for (const [id, seed] of [['v000001', 1], ['v000002', 2]] as const) {
      await modelStore.put({ id, createdAt: new Date().toISOString(), step: 0, embeddingDim: 16, input: { height: 28, width: 28, channels: 1 } }, await randomThumbnailEncoderOnnx(seed, 16, sample));
    }
    runtime = createOnnxModelRuntime(modelStore);
  }, 120_000);

  afterAll(async () => {
    await runtime?.close();
    await queue?.close();
    await vectorStore?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function pointsOf(collection: string) {
    const out = new Map<string, number[]>();
    for (const item of catalog) {
      const point = await vectorStore.get(collection, item.id);
      if (point) out.set(item.id, [...point.vector]);
    }
    return out;
  }

  it('a worker that dies mid-job leaves its share to the next one: every point written once, equal to what the trainer would write itself', async () => {
    await vectorStore.createCollection('local_v000001', { dimension: 16, distance: 'cosine' });
    const local = await createCatalogEmbedder({ runtime, vectorStore, batchSize: 32, log }).embedCatalog({ version: 'v000001', collection: 'local_v000001', rows: catalog, rowShape: ROW });
    expect(local).toEqual({ written: 90, refused: [] });

    await vectorStore.createCollection('catalog_v000001', { dimension: 16, distance: 'cosine' });
    // The first worker embeds one share, then its next embedding call dies (a crash mid-share).
    let calls = 0;
    const dying = createReembedWorker({
      queue,
      vectorStore,
      log,
      name: 'dying',
      runtime: { embed: (...args) => (++calls > 1 ? Promise.reject(new Error('killed')) : runtime.embed(...args)) },
    });
    await dying.start();
    const embedder = createQueueCatalogEmbedder({ queue, vectorStore, runtime, shareItems: 1000, minShares: 6, timeoutMs: 60_000, log });
    const job = embedder.embedCatalog({ version: 'v000001', collection: 'catalog_v000001', rows: catalog, rowShape: ROW });
    await expect(dying.done()).rejects.toThrow('killed');
    await dying.stop();
    expect(dying.counters().shares).toBe(1);

    const survivor = createReembedWorker({ queue, vectorStore, runtime, log, name: 'survivor' });
    await survivor.start();
    const result = await job;
    await survivor.stop();
    expect(result).toEqual({ written: 90, refused: [], shares: { total: 6, byWorkers: 6, byTrainer: 0 } });
    // The task in hand when the first worker died is done again by the survivor, not lost.
    expect(survivor.counters().shares).toBe(5);
    const [byWorkers, byTrainer] = await Promise.all([pointsOf('catalog_v000001'), pointsOf('local_v000001')]);
    expect(byWorkers.size).toBe(90);
    expect((await vectorStore.listCollections()).find((c) => c.name === 'catalog_v000001')?.count).toBe(90);
    for (const [id, vector] of byTrainer) expect(byWorkers.get(id)).toEqual(vector);
    expect((await vectorStore.get('catalog_v000001', 'item-4'))?.payload).toEqual({ label: 'c1', attributes: { n: 4 } });
  });

  it('with no worker answering, the trainer embeds the shares itself after the timeout', async () => {
    await vectorStore.createCollection('catalog_v000002', { dimension: 16, distance: 'cosine' });
    const embedder = createQueueCatalogEmbedder({ queue, vectorStore, runtime, shareItems: 40, timeoutMs: 1500, log, group: 'another-trainer' });
    const result = await embedder.embedCatalog({ version: 'v000002', collection: 'catalog_v000002', rows: catalog, rowShape: ROW });
    expect(result).toEqual({ written: 90, refused: [], shares: { total: 3, byWorkers: 0, byTrainer: 3 } });
    expect((await pointsOf('catalog_v000002')).size).toBe(90);
  });

  it('a worker skips the tasks of a version whose collection is gone, and goes on', async () => {
    // The v000002 tasks above are still unconsumed; their collection is dropped (an abandoned publication).
    await vectorStore.dropCollection('catalog_v000002');
    const worker = createReembedWorker({ queue, vectorStore, runtime, log, name: 'late' });
    await worker.start();
    const deadline = Date.now() + 30_000;
    while (worker.counters().abandoned < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    expect(worker.counters()).toMatchObject({ abandoned: 3, shares: 0, malformed: 0 });
  });

  it('a worker leaves out only the items the store refuses, says which and why in its reply, and goes on', async () => {
    await vectorStore.createCollection('refusing_v000001', { dimension: 16, distance: 'cosine' });
    const share = [...catalog.slice(0, 5), { ...catalog[5], id: 'dotted', payload: { attributes: { 'color.primary': 'red' } } }];
    const task = encodeReembedTask({ version: 'v000001', collection: 'refusing_v000001', share: 0, shares: 1, rowShape: ROW }, share);
    await queue.publish('reembed-tasks', [{ key: 'refusing/0', value: JSON.stringify(task) }]);
    const worker = createReembedWorker({ queue, vectorStore, runtime, log, name: 'refusing' });
    await worker.start();
    const replies = await queue.reader('reembed-done');
    let reply: Record<string, any> | undefined;
    const deadline = Date.now() + 30_000;
    while (!reply && Date.now() < deadline) {
      for (const record of await replies.poll(256, 200)) {
        const value = JSON.parse(record.value);
        if (value.worker === 'refusing') reply = value;
      }
    }
    await replies.close();
    await worker.stop();
    expect(reply).toMatchObject({ version: 'v000001', share: 0, written: 5, skipped: 1 });
    expect(reply!.refused).toEqual([{ id: 'dotted', reason: expect.stringMatching(/attributes\.color\.primary: attribute names must be/) }]);
    expect((await vectorStore.listCollections()).find((c) => c.name === 'refusing_v000001')?.count).toBe(5);
  });
});
