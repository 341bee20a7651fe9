import type { Config } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import type { Logger } from '../log/logger';
import type { CatalogEmbedder } from '../catalog-embedding/catalog-embedder';
import type { VersionEmbedder } from '../catalog-embedding/version-embedder';
import { createQueueCatalogEmbedder } from '../reembed/queue-catalog-embedder';
import { serveModelStore, type ModelStoreServer } from '../store/model-http';
import type { Adapters } from './create-adapters';

/**
 * With `REEMBED_WORKERS` > 0 (on Kafka and Qdrant), what fills each new collection: tasks for
 * the `discern reembed` workers on the queue, at least 4 shares per worker. Undefined (the
 * trainer re-embeds alone) otherwise.
 *
 * @example
 * createOnlineTrainer({ ..., catalogEmbedder: reembedWorkersFor(config, adapters, log) });
 */
export function reembedWorkersFor(config: Config, adapters: Adapters, log: Logger): ((runtime: VersionEmbedder) => CatalogEmbedder) | undefined {
  const { workers, shareItems, timeoutSeconds } = config.reembed;
  if (workers === 0) return undefined;
  if (config.queue.kind !== 'kafka' || config.vectorStore.kind !== 'qdrant') {
    // Embedded queue and vector store belong to one process: no worker elsewhere could reach them.
    log.warn({ workers, queue: config.queue.kind, vectorStore: config.vectorStore.kind }, 'REEMBED_WORKERS needs DISCERN_QUEUE=kafka and DISCERN_VECTOR_STORE=qdrant; the trainer re-embeds the catalog itself');
    return undefined;
  }
  return (runtime) =>
    createQueueCatalogEmbedder({
      queue: adapters.queue,
      vectorStore: adapters.vectorStore,
      runtime,
      shareItems,
      minShares: workers * 4,
      timeoutMs: timeoutSeconds * 1000,
      log,
    });
}

/**
 * With `MODEL_SERVER_PORT` set, serves the process's model store read-only over HTTP for
 * processes that share no disk with it (`MODEL_STORE_URL`).
 *
 * @example
 * const server = await serveModelsIfConfigured(config, adapters.modelStore, log);
 * await server?.close();
 */
export async function serveModelsIfConfigured(config: Config, modelStore: ModelStore, log: Logger): Promise<ModelStoreServer | undefined> {
  const port = config.modelStore.serverPort;
  if (port === undefined) return undefined;
  const server = await serveModelStore(modelStore, { port, host: config.host, apiKey: config.apiKey });
  log.info({ url: server.url }, 'model store served');
  return server;
}
