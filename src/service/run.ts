import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/load-config';
import { createLogger } from '../log/logger';
import { runTrainerProcess } from '../trainer/run-trainer';
import { createAdapters } from './create-adapters';
import { seedFashionMnist } from './seed-fashion-mnist';
import { startApi } from './start-api';

export { runTrainerProcess };

const log = createLogger('service');

export interface EmbeddedServiceOptions {
  /** Load this catalog at start (`fashion-mnist`). */
  seed?: string;
  seedLimit?: number;
}

/**
 * `npm start`: API, queue, trainer, model store and vector store in one process, over the
 * adapters the configuration names (embedded ones by default: no Kafka, Qdrant or GPU needed).
 *
 * @example
 * await runEmbeddedService(loadConfig(), { seed: 'fashion-mnist' });
 */
export async function runEmbeddedService(config: Config, options: EmbeddedServiceOptions = {}) {
  const adapters = await createAdapters(config);
  await adapters.queue.init();
  const trainer = await runTrainerProcess(config, { adapters, handleSignals: false, serveMetrics: false });
  // One /metrics for the whole process: the API's and the trainer's series together.
  const processMetrics = new Registry();
  collectDefaultMetrics({ register: processMetrics });
  const metrics = Registry.merge([processMetrics, trainer.trainer.registry]);
  const api = await startApi(config, adapters, { metrics });
  log.info({ url: api.url, queue: config.queue.kind, vectorStore: config.vectorStore.kind, dataDir: config.dataDir }, 'discern is running');
  const stop = onceAsync(async () => {
    await api.close();
    await trainer.stop();
    await adapters.close();
  });
  exitOnSignals(stop);
  if (options.seed === 'fashion-mnist') {
    await seedFashionMnist(adapters.queue, { dataDir: config.dataDir, limitPerSplit: options.seedLimit });
  }
  return { api, trainer, stop };
}

/**
 * `discern api`: the HTTP API alone, for running several replicas against Kafka and Qdrant.
 *
 * @example
 * await runApiProcess(loadConfig());
 */
export async function runApiProcess(config: Config) {
  const adapters = await createAdapters(config);
  await adapters.queue.init();
  const api = await startApi(config, adapters);
  const stop = onceAsync(async () => {
    await api.close();
    await adapters.close();
  });
  exitOnSignals(stop);
  return { api, stop };
}

function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

function exitOnSignals(stop: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // `on`, not `once`: signal-exit (loaded by write-file-atomic during each write) re-raises a
    // signal it believes nobody else handles, which would kill the process mid-shutdown.
    process.on(signal, () => {
      log.info({ signal }, 'shutting down');
      stop().then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
