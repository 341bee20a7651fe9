import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../src/config/load-config';
import { collectionForVersion } from '../../../src/core/catalog-naming';
import type { ModelStore } from '../../../src/core/model-store';
import type { Queue } from '../../../src/core/queue';
import type { VectorStore } from '../../../src/core/vector-store';
import { createEmbeddedQueue } from '../../../src/queue/embedded/embedded-queue';
import { openEmbeddedVectorStore } from '../../../src/store/embedded';
import { createApp } from '../../../src/api/app';
import { followDeadLetters } from '../../../src/api/dead-letters/follow-dead-letters';
import type { ModelInputSpec } from '../../../src/core/model-catalog';
import { createProjectionModelCatalog } from './projection-model-catalog';
import { serveForTest } from './serve-for-test';
import { thumbnailOf } from '../../../src/trainer/item-thumbnail';
import { createSharpImageDecoder } from '../../../src/image-decoding/sharp-image-decoder';

export interface FixtureItem {
  id: string;
  label: string;
  attributes?: Record<string, string | number | boolean>;
  /** Model input (pixels or features) the item was indexed from. */
  input: number[];
}

export interface FixtureOptions {
  input: ModelInputSpec;
  embeddingDim?: number;
  items: FixtureItem[];
  env?: Record<string, string>;
  /** Wraps the real embedded queue / vector store (e.g. to inject failures). */
  wrapQueue?: (queue: Queue) => Queue;
  wrapVectorStore?: (store: VectorStore) => VectorStore;
  /** Serves model files from this store (none by default). */
  modelStore?: ModelStore;
}

/**
 * A served API over the real embedded queue and vector store in a temporary directory, with a
 * projection model catalog of two versions (`v000001` live, `v000002` indexed but not live).
 *
 * @example
 * const f = await startCatalogFixture({ input: { kind: 'features', features: 4 }, items });
 * await fetch(`${f.url}/v1/search`, ...);
 * await f.close();
 */
export async function startCatalogFixture(options: FixtureOptions) {
  const dir = await mkdtemp(join(tmpdir(), 'discern-api-'));
  const queue = createEmbeddedQueue({ dir: join(dir, 'queue'), partitions: 2 });
  await queue.init();
  const store = await openEmbeddedVectorStore({ dir: join(dir, 'vectors') });
  const embeddingDim = options.embeddingDim ?? 8;
  const catalog = createProjectionModelCatalog({
    v000001: { input: options.input, embeddingDim },
    v000002: { input: options.input, embeddingDim },
  });
  const shape = options.input.kind === 'features' ? [options.input.features] : [options.input.height, options.input.width, options.input.channels];
  for (const version of ['v000001', 'v000002']) {
    const collection = collectionForVersion('catalog', version);
    await store.createCollection(collection, { dimension: embeddingDim, distance: 'cosine' });
    const points = [];
    for (const item of options.items) {
      const [vector] = await catalog.embed(version, Float32Array.from(item.input), [1, ...shape]);
      // Image items carry a thumbnail, as the trainer's payloads do.
      const thumbnail = options.input.kind === 'image' ? thumbnailOf(Float32Array.from(item.input), options.input) : undefined;
      points.push({ id: item.id, vector, payload: { label: item.label, attributes: item.attributes, ...(thumbnail ? { thumbnail } : {}) } });
    }
    await store.upsert(collection, points);
  }
  await store.setAlias('catalog', collectionForVersion('catalog', 'v000001'));
  catalog.calls.length = 0;
  const config = loadConfig({ LOG_LEVEL: 'silent', ...options.env });
  const metrics = new Registry();
  const logger = pino({ level: 'silent' });
  const appQueue = options.wrapQueue ? options.wrapQueue(queue) : queue;
  const deadLetters = followDeadLetters(appQueue, { keep: config.intake.deadLettersKept, logger });
  const app = createApp({ imageDecoder: createSharpImageDecoder(),
    queue: appQueue,
    vectorStore: options.wrapVectorStore ? options.wrapVectorStore(store) : store,
    models: catalog,
    modelStore: options.modelStore,
    config,
    metrics,
    logger,
    deadLetters: deadLetters.view,
  });
  const server = await serveForTest(app.fetch);
  return {
    url: server.url,
    app,
    queue,
    store,
    catalog,
    metrics,
    async close() {
      await server.close();
      await deadLetters.close();
      await queue.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
