import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/load-config';
import { createLogger } from '../log/logger';
import { runTrainerProcess } from './run-trainer';
import { createAdapters } from './create-adapters';
import { seedFashionMnist } from './seed-fashion-mnist';
import { startApi } from './start-api';
import { registerTrainerHealthMetrics } from '../trainer/trainer-health-metrics';
import { superviseTrainer } from './supervision/trainer-supervisor';
import { startTrainerThread } from './trainer-thread/trainer-thread';

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
 * The trainer runs in a worker thread at lower priority (`TRAINER_NICE`, `TRAINER_THREADS`), so
 * training and re-embedding never hold up the API's event loop. The queue and stores stay on
 * the main thread and serve the trainer over a message channel: one owner per embedded file,
 * 202 still only once fsync'd, and the API reads the vector store the trainer writes. A failed
 * or silent trainer is restarted with backoff; `/readyz` and `/metrics` report its health.
 *
 * @example
 * await runEmbeddedService(loadConfig(), { seed: 'fashion-mnist' });
 */
export async function runEmbeddedService(config: Config, options: EmbeddedServiceOptions = {}) {
  const adapters = await createAdapters(config);
  await adapters.queue.init();
  // Re-embedding takes every core: its threads run at the trainer's lower priority, so the API's
  // thread still comes first on the core they share.
  const trainerSettings = config.trainer;
  // Training leaves half a core's time to the API and re-embedding unless told otherwise.
  const training = { ...trainerSettings.training, cpuBudget: trainerSettings.training.cpuBudget ?? 0.5 };
  const trainerConfig: Config = { ...config, trainer: { ...trainerSettings, training } };
  const trainerLog = createLogger('trainer');
  const s = config.trainerSupervision;
  const trainer = superviseTrainer({
    launch: () => startTrainerThread({ config: trainerConfig, adapters, log: trainerLog }),
    policy: {
      backoffSeconds: s.restartBackoffSeconds,
      backoffMaxSeconds: s.restartBackoffMaxSeconds,
      maxFailures: s.maxFailures,
      failureWindowSeconds: s.failureWindowSeconds,
      heartbeatTimeoutSeconds: s.heartbeatTimeoutSeconds,
    },
    log: trainerLog,
  });
  // One /metrics for the whole process: the API's series, the trainer's health, and the
  // trainer's own series as its thread last reported them.
  const metrics = new ProcessMetrics(() => trainer.metricsText());
  collectDefaultMetrics({ register: metrics });
  registerTrainerHealthMetrics(metrics, trainer);
  trainer.start();
  const api = await startApi(config, adapters, { metrics, trainerHealth: trainer });
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

/** A registry whose exposition ends with series kept elsewhere (another thread's). */
class ProcessMetrics extends Registry {
  constructor(private readonly more: () => Promise<string>) {
    super();
  }

  override async metrics(): Promise<string> {
    const [own, more] = await Promise.all([super.metrics(), this.more()]);
    return more ? `${own}\n${more}` : own;
  }
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
