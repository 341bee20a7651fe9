import { availableParallelism } from 'node:os';
import { selectBackend } from '../backend/select-backend';
import type { Config } from '../config/load-config';
import type { EncoderConfigInput } from '../encoder/config';
import { thumbnailCnnConfig } from '../encoder/default-configs';
import { createLogger } from '../log/logger';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { fsCheckpointFolders } from '../store/checkpoint-fs';
import { createAdapters, type Adapters } from './create-adapters';
import { reembedWorkersFor, serveModelsIfConfigured } from './scale-out';
import { startMetricsServer } from '../trainer/metrics-server';
import { createOnlineTrainer, type OnlineTrainer, type OnlineTrainerConfig } from '../trainer/online-trainer';
import { inProcessTrainerHealth } from '../trainer/trainer-health';
import { registerTrainerHealthMetrics } from '../trainer/trainer-health-metrics';
import { createSharpImageDecoder } from '../image-decoding/sharp-image-decoder';

export interface TrainerProcessOptions {
  /** Encoder for a first start (default: the thumbnail CNN with EMBEDDING_DIM outputs). */
  encoder?: EncoderConfigInput;
  /** Settings beyond the environment's (cadence, batch sizes, held-out evaluation, …). */
  overrides?: Partial<OnlineTrainerConfig>;
  /** Adapters to use instead of building them from `config` (they are then not closed here). */
  adapters?: Adapters;
  /** Stop on SIGTERM/SIGINT and exit the process (default true). */
  handleSignals?: boolean;
  /** Serve `/metrics` and `/healthz` on `TRAINER_METRICS_PORT` when it is set (default true). */
  serveMetrics?: boolean;
}

export interface RunningTrainer {
  trainer: OnlineTrainer;
  /** Stops the trainer (checkpointing what it applied) and closes the adapters it opened. */
  stop(): Promise<void>;
}

/** How long a failed trainer gets to close its consumer before its process exits anyway. */
const EXIT_AFTER_FAILURE_MS = 10_000;

/**
 * Runs the online trainer as its own process (`discern trainer`): selects the TF.js backend,
 * builds the configured queue, vector store and model store, and trains until SIGTERM/SIGINT,
 * on which it checkpoints and exits 0. A failing loop exits 1 (whatever its status file could
 * record), to be restarted from its checkpoint by whatever runs it.
 *
 * @example
 * const { trainer, stop } = await runTrainerProcess(loadConfig());
 */
export async function runTrainerProcess(config: Config, options: TrainerProcessOptions = {}): Promise<RunningTrainer> {
  const log = createLogger('trainer');
  // On the tensorflow backend training takes the same cores as re-embedding.
  await selectBackend(config.trainer.backend, { log, threads: config.trainer.threads });
  const adapters = options.adapters ?? (await createAdapters(config));
  const t = config.trainer;
  // Re-embedding the whole catalog is one big batch job: give it the cores it is given, as one
  // single-threaded session per core (faster than intra-op threads on busy cores).
  const parallelSessions = t.reembedSessions || t.threads || availableParallelism();
  const trainer = createOnlineTrainer({
    queue: adapters.queue,
    vectorStore: adapters.vectorStore,
    modelStore: adapters.modelStore,
    // Sessions for the version being published and the live one (scored on the holdout) only: each
    // is open on every re-embedding thread.
    modelRuntime: createOnnxModelRuntime(adapters.modelStore, { threads: 1, parallelSessions, maxCachedVersions: 2 }),
    checkpointFolders: fsCheckpointFolders,
    imageDecoder: createSharpImageDecoder(),
    log,
    catalogEmbedder: reembedWorkersFor(config, adapters, log),
    config: {
      dataDir: config.dataDir,
      // Two batches per session: each session embeds one while the other is written to the store.
      reembedInFlight: 2 * parallelSessions,
      encoder: options.encoder ?? defaultEncoder(t.embeddingDim),
      loss: { name: t.loss },
      miner: { name: t.miner },
      classesPerBatch: t.p,
      itemsPerClass: t.q,
      learningRate: t.learningRate,
      replaySize: t.replaySize,
      publishEverySteps: t.publishEverySteps,
      publishEverySeconds: t.publishEverySeconds,
      feedbackFreshnessSeconds: t.feedbackFreshnessSeconds,
      stepsAfterSignal: t.feedbackTrainingSteps,
      keepVersions: t.keepVersions,
      holdoutFraction: t.holdoutFraction,
      gate: t.gate,
      ...t.training,
      poisonGuard: t.poisonGuard,
      inputAnchor: t.inputAnchor,
      ...options.overrides,
    },
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await metricsServer?.close();
        await modelServer?.close();
        await trainer.stop();
      } finally {
        if (!options.adapters) await adapters.close();
      }
    })());
  const modelServer = await serveModelsIfConfigured(config, adapters.modelStore, log);
  try {
    await trainer.start();
  } catch (error) {
    await modelServer?.close();
    if (!options.adapters) await adapters.close();
    throw error;
  }
  const metricsPort = (options.serveMetrics ?? true) ? config.trainerMetricsPort : undefined;
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (metricsPort !== undefined) {
    const health = inProcessTrainerHealth(trainer);
    registerTrainerHealthMetrics(trainer.registry, health);
    metricsServer = await startMetricsServer(trainer.registry, metricsPort, '0.0.0.0', health);
  }
  if (metricsServer) log.info({ port: metricsServer.port }, 'trainer metrics listening');
  if (options.handleSignals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'stopping trainer');
      stop().then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 'trainer did not stop cleanly');
          process.exit(1);
        },
      );
    };
    // `on`, not `once`: signal-exit (loaded by write-file-atomic during each write) re-raises a
    // signal it believes nobody else handles, which would kill the process mid-shutdown.
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    trainer.done().catch((error) => {
      log.fatal({ err: error }, 'trainer failed; exiting with status 1');
      const exit = () => process.exit(1);
      setTimeout(exit, EXIT_AFTER_FAILURE_MS).unref();
      stop().then(exit, exit);
    });
  }
  return { trainer, stop };
}

/**
 * The thumbnail CNN with BatchNorm and a pooled trunk, at the configured embedding size: online,
 * it learns new classes from a few dozen feedback steps faster than the offline recipe's
 * encoder, and every publication re-embeds the whole catalog, which a pooled trunk keeps cheap.
 */
function defaultEncoder(dim: number): EncoderConfigInput {
  return thumbnailCnnConfig({ head: { hidden: [128], dim } });
}
