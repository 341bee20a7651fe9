import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/app';
import { DeadLetterView } from '../api/dead-letters/dead-letter-view';
import { loadConfig } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { createEncoder } from '../encoder/encoder';
import { createLogger } from '../log/logger';
import { createCatalogEmbedder, type CatalogEmbedder } from '../catalog-embedding/catalog-embedder';
import { createOnnxModelCatalog } from '../serve/onnx-model-catalog';
import { CatalogState } from './catalog-state';
import { createHoldout } from './holdout';
import { HoldoutMemory } from './holdout-memory';
import { createPublisher } from './publisher';
import { fashionSubset, tinyCnnConfig } from '../../test/support/trainer/fashion-events';
import { createTrainerMetrics } from './trainer-metrics';
import { openTestStores, type TestStores } from '../../test/support/trainer/online-trainer-fixture';
import { createSharpImageDecoder } from '../image-decoding/sharp-image-decoder';
import { seededInit } from '../../test/support/seeded-init';

describe('canary gate at publication (Fashion-MNIST, real onnxruntime, embedded stores)', () => {
  let stores: TestStores;
  let queue: Queue;
  let vectorStore: VectorStore;
  let modelStore: ModelStore;
  let runtime: TestStores['runtime'];
  let models: ReturnType<typeof createOnnxModelCatalog>;

  beforeAll(async () => {
    await tf.setBackend('cpu');
    stores = await openTestStores({ prefix: 'discern-gate-' });
    ({ queue, vectorStore, modelStore, runtime } = stores);
    await queue.init();
    models = createOnnxModelCatalog({ modelStore, vectorStore, liveAlias: 'catalog' });
  });

  afterAll(async () => {
    await models?.close();
    await stores?.close();
  });

  it('never publishes a scrambled candidate, keeps it with its scores and reason, and re-embeds only what goes live', async () => {
    const data = await fashionSubset('test', 30);
    const catalog = new CatalogState({ height: 28, width: 28, channels: 1 });
    const memory = new HoldoutMemory({ capacity: 10_000, classesPerBatch: 4, itemsPerClass: 4 }, createHoldout({ fraction: 0.5 }));
    const size = 28 * 28;
    for (let i = 0; i < data.labels.length; i++) {
      const id = `fm-${i}`;
      catalog.upsert({ id, label: String(data.labels[i]) }, Float32Array.from(data.images.subarray(i * size, (i + 1) * size)), i);
      memory.rememberLabel(id, String(data.labels[i]), i);
    }
    expect(memory.heldOut.labelledCount).toBeGreaterThan(100);

    const embedded: string[] = [];
    const local = createCatalogEmbedder({ runtime, vectorStore, batchSize: 256, log: createLogger('gate-test') });
    const countingEmbedder: CatalogEmbedder = {
      embedCatalog: (job) => (embedded.push(job.version), local.embedCatalog(job)),
    };
    const metrics = createTrainerMetrics();
    const publisher = createPublisher({
      vectorStore,
      modelStore,
      runtime,
      keepVersions: 3,
      evaluation: () => memory.heldOut.snapshot(catalog),
      gate: { tolerance: 0.01, minHeldOut: 50, noiseZ: 2 },
      log: createLogger('gate-test'),
      metrics,
      catalogEmbedder: countingEmbedder,
    });

    const encoder = createEncoder(tinyCnnConfig());
    seededInit(encoder, 7);
    const first = await publisher.publish({ encoder, catalog, step: 0 });
    expect(first).toMatchObject({ published: true, version: 'v000001', items: data.labels.length });
    if (!first.published) throw new Error('unreachable');
    expect(first.gate?.reason).toMatch(/first version/);
    expect(first.metrics!.heldOutQueries).toBe(memory.heldOut.labelledCount);
    const liveMapAtR = first.metrics!.mapAtR;
    expect(liveMapAtR).toBeGreaterThan(0.15);
    expect(first.gate?.raw).toBeGreaterThan(0.3);

    // A deliberately broken candidate: every weight zeroed, so every item embeds alike.
    for (const variable of encoder.trainableVariables()) variable.assign(tf.zerosLike(variable));
    const second = await publisher.publish({ encoder, catalog, step: 10 });
    expect(second.published).toBe(false);
    if (second.published) throw new Error('unreachable');
    expect(second.version).toBe('v000002');
    expect(second.gate).toMatchObject({ accepted: false, primary: 'mapAtR', live: liveMapAtR });
    expect(second.metrics.mapAtR).toBeLessThan(liveMapAtR - 0.05);
    expect(second.reason).toMatch(/below the live version's/);
    // The drop is far beyond chance: the paired standard error, stored with the references, is much smaller.
    const noise = ((await modelStore.get('v000002'))?.extra?.holdout as { live: { noise: { mapAtR: number } } }).live.noise.mapAtR;
    expect(noise).toBeGreaterThan(0);
    expect(liveMapAtR - second.metrics.mapAtR).toBeGreaterThan(2 * noise);

    // Nothing went live and nothing was re-embedded for the rejected candidate.
    expect(embedded).toEqual(['v000001']);
    expect(await vectorStore.resolveAlias('catalog')).toBe('catalog_v000001');
    expect((await vectorStore.listCollections()).map((c) => c.name)).toEqual(['catalog_v000001']);
    expect((await modelStore.get('v000002'))?.extra?.gate).toMatchObject({ accepted: false });

    // /v1/model says why, beside the live version's holdout scores and raw input's.
    const app = createApp({ imageDecoder: createSharpImageDecoder(),
      queue,
      vectorStore,
      models,
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      metrics: metrics.registry,
      logger: pino({ level: 'silent' }),
      deadLetters: new DeadLetterView(10),
    });
    const description = (await (await app.request('/v1/model')).json()) as Record<string, any>;
    expect(description.current.id).toBe('v000001');
    expect(description.rejected).toHaveLength(1);
    expect(description.rejected[0]).toMatchObject({ id: 'v000002', reason: second.reason, metrics: { mapAtR: second.metrics.mapAtR } });
    expect(description.rejected[0].references.live.version).toBe('v000001');
    expect(description.holdout.metrics.mapAtR).toBe(liveMapAtR);
    expect(description.holdout.rawInput.mapAtR).toBeGreaterThan(0.2);

    const exported = await metrics.registry.metrics();
    expect(exported).toMatch(/discern_trainer_candidates_rejected_total 1/);
    expect(exported).toMatch(new RegExp(`discern_trainer_holdout_score\\{version="live",metric="mapAtR"\\} ${liveMapAtR}`));
    expect(exported).toMatch(/discern_trainer_holdout_score\{version="raw_input",metric="mapAtR"\} 0\.\d+/);
  });
});
