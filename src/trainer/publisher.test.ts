import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelStore } from '../core/model-store';
import type { VectorStore } from '../core/vector-store';
import { createEncoder } from '../encoder/encoder';
import { createLogger } from '../log/logger';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createModelStore, createVectorStore } from '../store';
import { CatalogState } from './catalog-state';
import { createPublisher } from './publisher';

describe('publisher', () => {
  let dir: string;
  let vectorStore: VectorStore;
  let modelStore: ModelStore;
  let runtime: ReturnType<typeof createOnnxModelRuntime>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(join(tmpdir(), 'discern-publisher-'));
    vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
    modelStore = createModelStore({ kind: 'fs', dir });
    runtime = createOnnxModelRuntime(modelStore);
  });

  afterAll(async () => {
    await runtime?.close();
    await vectorStore?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-embeds the catalog with the ONNX export, switches the alias and keeps the newest versions', async () => {
    const encoder = createEncoder({ kind: 'mlp', input: { features: 6 }, hidden: [8], dim: 4 });
    const catalog = new CatalogState({ features: 6 });
    const n = 23;
    for (let i = 0; i < n; i++) catalog.upsert({ id: `x${i}`, label: String(i % 3) }, Float32Array.from({ length: 6 }, (_, k) => Math.sin(i * 7 + k)), i);
    catalog.setLabel('no-content', 'a', 0);
    const inputs = new Float32Array(12 * 6).map((_, j) => Math.cos(j));
    const publisher = createPublisher({
      vectorStore,
      modelStore,
      runtime,
      keepVersions: 2,
      batchSize: 5,
      evaluation: { inputs, labels: Int32Array.from({ length: 12 }, (_, i) => i % 3) },
      log: createLogger('publisher-test'),
    });
    const published = [];
    for (let k = 0; k < 3; k++) published.push(await publisher.publish({ encoder, catalog, step: 10 * k }));
    expect(published.map((p) => p.version)).toEqual(['v000001', 'v000002', 'v000003']);
    expect(published[2]).toMatchObject({ items: n, skipped: 0, collection: 'catalog_v000003' });
    expect(await vectorStore.resolveAlias('catalog')).toBe('catalog_v000003');
    expect((await modelStore.list()).map((v) => v.id)).toEqual(['v000002', 'v000003']);
    expect((await vectorStore.listCollections()).map((c) => c.name).sort()).toEqual(['catalog_v000002', 'catalog_v000003']);
    const info = (await modelStore.get('v000003'))!;
    expect(info).toMatchObject({ step: 20, embeddingDim: 4, input: { features: 6 } });
    expect(info.metrics!.recallAt1).toBeGreaterThanOrEqual(0);
    // Per-class MAP@R of the held-out set (4 queries per class) averages back to the overall figure.
    const perClass = [0, 1, 2].map((c) => info.metrics![`mapAtR.class${c}`]);
    perClass.forEach((v) => expect(v).toBeGreaterThanOrEqual(0));
    expect(perClass.reduce((a, b) => a + b, 0) / 3).toBeCloseTo(info.metrics!.mapAtR, 12);
    // Stored vectors equal the TF.js encoder's own embeddings (ONNX export parity).
    for (const id of ['x0', 'x11', 'x22']) {
      const point = (await vectorStore.get('catalog', id))!;
      const reference = encoder.embed(tf.tensor2d([Array.from(catalog.get(id)!.input!)])).dataSync();
      Array.from(point.vector).forEach((v, k) => expect(v).toBeCloseTo(reference[k], 5));
      expect(point.payload.label).toBe(catalog.get(id)!.label);
    }
  });

  it('a publication cancelled while the catalog is re-embedded keeps neither its collection nor its version, and the alias stays', async () => {
    const store = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors-cancelled') });
    const models = createModelStore({ kind: 'fs', dir: join(dir, 'models-cancelled') });
    const versions = createOnnxModelRuntime(models);
    try {
      const encoder = createEncoder({ kind: 'mlp', input: { features: 6 }, hidden: [8], dim: 4 });
      const catalog = new CatalogState({ features: 6 });
      for (let i = 0; i < 40; i++) catalog.upsert({ id: `x${i}` }, Float32Array.from({ length: 6 }, (_, k) => Math.cos(i + k)), i);
      const publisher = createPublisher({ vectorStore: store, modelStore: models, runtime: versions, keepVersions: 2, batchSize: 5, log: createLogger('publisher-test') });
      expect((await publisher.publish({ encoder, catalog, step: 1 })).version).toBe('v000001');

      const superseded = new AbortController();
      // Superseded once the first batch of the new version is embedded.
      const cancelling = { ...versions, embed: (...args: Parameters<typeof versions.embed>) => versions.embed(...args).finally(() => superseded.abort(new Error('superseded'))) };
      const cancelled = createPublisher({ vectorStore: store, modelStore: models, runtime: cancelling, keepVersions: 2, batchSize: 5, log: createLogger('publisher-test') });
      await expect(cancelled.publish({ encoder, catalog, step: 2, signal: superseded.signal })).rejects.toThrow('superseded');
      expect(await store.resolveAlias('catalog')).toBe('catalog_v000001');
      expect((await store.listCollections()).map((c) => c.name)).toEqual(['catalog_v000001']);
      expect((await models.list()).map((v) => v.id)).toEqual(['v000001']);
    } finally {
      await versions.close();
      await store.close();
    }
  });
});

