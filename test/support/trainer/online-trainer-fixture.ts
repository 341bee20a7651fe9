import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../../../src/backend/select-backend';
import type { CatalogEmbedder } from '../../../src/catalog-embedding/catalog-embedder';
import type { VersionEmbedder } from '../../../src/catalog-embedding/version-embedder';
import type { ModelStore } from '../../../src/core/model-store';
import type { Queue } from '../../../src/core/queue';
import type { VectorStore } from '../../../src/core/vector-store';
import { createSharpImageDecoder } from '../../../src/image-decoding/sharp-image-decoder';
import { createLogger, type Logger } from '../../../src/log/logger';
import { createEmbeddedQueue } from '../../../src/queue/embedded/embedded-queue';
import { createOnnxModelRuntime } from '../../../src/serve/onnx-model-runtime';
import { createModelStore, createVectorStore } from '../../../src/store';
import { fsCheckpointFolders } from '../../../src/store/checkpoint-fs';
import { createOnlineTrainer, type OnlineTrainer, type OnlineTrainerConfig } from '../../../src/trainer/online-trainer';
import { tinyCnnConfig } from './fashion-events';

export interface TestStoresOptions {
  /** Working directory: a fresh temporary one, deleted by `close()`, unless given. */
  dir?: string;
  /** Name prefix of the temporary directory (default `discern-trainer-`). */
  prefix?: string;
  /** Used as is and left open by `close()`; default an embedded queue in `<dir>/queue`. */
  queue?: Queue;
  /** Partitions per topic of the default embedded queue (default 1). */
  partitions?: number;
  /** Used as is and left open by `close()`; default an embedded vector store in `<dir>/vectors`. */
  vectorStore?: VectorStore;
  /** Folder of the fs model store (default `dir`). */
  modelDir?: string;
}

/** The adapters a trainer works with; `close()` closes (and deletes) only what it opened itself. */
export interface TestStores {
  dir: string;
  queue: Queue;
  vectorStore: VectorStore;
  modelStore: ModelStore;
  /** onnxruntime-node sessions over `modelStore`. */
  runtime: ReturnType<typeof createOnnxModelRuntime>;
  close(): Promise<void>;
}

/**
 * The real adapters of a trainer in one directory: an embedded queue and vector store, an fs
 * model store and an onnxruntime-node runtime over it.
 *
 * @example
 * const stores = await openTestStores({ prefix: 'discern-gate-' });
 * const publisher = createPublisher({ vectorStore: stores.vectorStore, modelStore: stores.modelStore, runtime: stores.runtime, ... });
 * await stores.close();
 */
export async function openTestStores(options: TestStoresOptions = {}): Promise<TestStores> {
  const closers: Array<() => Promise<unknown>> = [];
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), options.prefix ?? 'discern-trainer-')));
  if (options.dir === undefined) closers.push(() => rm(dir, { recursive: true, force: true }));
  const vectorStore = options.vectorStore ?? (await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') }));
  if (options.vectorStore === undefined) closers.push(() => vectorStore.close());
  const queue = options.queue ?? createEmbeddedQueue({ dir: join(dir, 'queue'), partitions: options.partitions ?? 1 });
  if (options.queue === undefined) closers.push(() => queue.close());
  const modelStore = createModelStore({ kind: 'fs', dir: options.modelDir ?? dir });
  const runtime = createOnnxModelRuntime(modelStore);
  closers.push(() => runtime.close());
  return {
    dir,
    queue,
    vectorStore,
    modelStore,
    runtime,
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}

export interface TestTrainerOptions extends TestStoresOptions {
  /** The trainer's settings; `dataDir` is the working directory and `encoder` the tiny CNN unless given. */
  config?: Partial<OnlineTrainerConfig>;
  /** Component name of the trainer's log (default `trainer-test`). */
  logName?: string;
  /** What fills each new collection, built from the trainer's runtime; default: the trainer itself. */
  catalogEmbedder?: (runtime: VersionEmbedder, adapters: { vectorStore: VectorStore; log: Logger }) => CatalogEmbedder;
}

/** A started online trainer over its adapters; `close()` stops it, then closes what was opened for it. */
export interface TestTrainer extends TestStores {
  trainer: OnlineTrainer;
  log: Logger;
}

/**
 * Starts a real online trainer on the wasm backend (several steps/s on the tiny CNN, where cpu
 * needs seconds per step) over the adapters of {@link openTestStores}.
 *
 * @example
 * const t = await startTestTrainer({ prefix: 'discern-flood-', config: { seed: 3, stepsAfterSignal: 120 } });
 * await t.queue.publish('items', [itemRecord(data, 0, 'item-0')]);
 * console.log(t.trainer.metrics().consumed);
 * await t.close();
 */
export async function startTestTrainer(options: TestTrainerOptions = {}): Promise<TestTrainer> {
  await selectBackend('wasm');
  const stores = await openTestStores(options);
  const log = createLogger(options.logName ?? 'trainer-test');
  const catalogEmbedder = options.catalogEmbedder;
  const trainer = createOnlineTrainer({
    queue: stores.queue,
    vectorStore: stores.vectorStore,
    modelStore: stores.modelStore,
    modelRuntime: stores.runtime,
    checkpointFolders: fsCheckpointFolders,
    imageDecoder: createSharpImageDecoder(),
    log,
    catalogEmbedder: catalogEmbedder && ((runtime) => catalogEmbedder(runtime, { vectorStore: stores.vectorStore, log })),
    config: { dataDir: stores.dir, encoder: tinyCnnConfig(), ...options.config },
  });
  try {
    await trainer.start();
  } catch (error) {
    await trainer.stop().catch(() => undefined);
    await stores.close();
    throw error;
  }
  return {
    ...stores,
    trainer,
    log,
    async close() {
      await trainer.stop();
      await stores.close();
    },
  };
}
