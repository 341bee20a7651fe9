import { join } from 'node:path';
import type { Config } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { queueFromConfig } from '../queue';
import { createModelStore, vectorStoreFromConfig } from '../store';
import { nameSettingOnInitFailure } from './name-setting-on-failure';

export interface Adapters {
  queue: Queue;
  vectorStore: VectorStore;
  modelStore: ModelStore;
  close(): Promise<void>;
}

/**
 * The composition root: the one place where configuration picks the Queue, VectorStore and
 * ModelStore adapters. Everything else sees only the ports.
 *
 * @example
 * const adapters = await createAdapters(loadConfig());
 */
export async function createAdapters(config: Config): Promise<Adapters> {
  const writes = { writeDeadlineMs: config.queue.writeDeadlineMs, lingerMs: config.queue.lingerMs };
  const { queue: opened, connectsTo } = queueFromConfig(config, writes);
  const queue = connectsTo ? nameSettingOnInitFailure(opened, connectsTo.setting, connectsTo.value) : opened;
  const vectorStore = await vectorStoreFromConfig(config);
  const modelStore = config.modelStore.url
    ? createModelStore({ kind: 'http', url: config.modelStore.url, cacheDir: join(config.dataDir, 'model-cache'), apiKey: config.apiKey })
    : createModelStore({ kind: 'fs', dir: join(config.dataDir, 'models') });
  return {
    queue,
    vectorStore,
    modelStore,
    async close() {
      await Promise.allSettled([queue.close(), vectorStore.close()]);
    },
  };
}
