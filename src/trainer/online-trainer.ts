import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_LIVE_ALIAS, versionOfCollection } from '../core/catalog-naming';
import type { ModelStore } from '../core/model-store';
import type { Queue, QueueConsumer } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { EncoderConfigInput } from '../encoder/config';
import type { Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createCatalogEmbedder } from './catalog-embedder';
import type { GateOptions } from './canary-gate';
import { createLearner, type Learner, type LearnerOptions } from './learner';
import { PublicationCadence } from './publication-cadence';
import { createPublisher, versionNumber, type HeldOutSet, type VersionEmbedder } from './publisher';
import { createRecordIntake } from './record-intake';
import { ReplayTracker } from './replay-tracker';
import { restoreEncoder } from './restore-encoder';
import { createTrainerCheckpoints, type TrainerCheckpointMeta } from './trainer-checkpoint';
import { createTrainerMetrics, type TrainerMetrics } from './trainer-metrics';
import { deadLetterFor } from './dead-letter';
import type { CatalogEmbedder } from '../reembed/catalog-embedder';
import { createStatusFile, initialTrainerStatus, type ConsumedTopic, type LiveCounts, type TrainerStatus } from './trainer-status';

export type { TrainerStatus } from './trainer-status';

export interface OnlineTrainerConfig {
  /** Holds `trainer-status.json` and the checkpoints in `trainer/checkpoints/`. */
  dataDir: string;
  /** Encoder built on first start, when neither a checkpoint nor a stored version exists. */
  encoder: EncoderConfigInput;
  /** Consumer group (default `discern-trainer`). */
  group?: string;
  /** Live alias (default `catalog`). */
  alias?: string;
  loss?: { name: string; options?: Record<string, unknown> };
  /** Miner of the P×Q part (default multi-similarity; `none` for every pair). */
  miner?: { name: string; options?: Record<string, unknown> };
  /** P (default 8). */
  classesPerBatch?: number;
  /** Q (default 4). */
  itemsPerClass?: number;
  /** Default 1e-3. */
  learningRate?: number;
  /** REPLAY_SIZE (default 20000). */
  replaySize?: number;
  /** PUBLISH_EVERY_STEPS (default 500). */
  publishEverySteps?: number;
  /** PUBLISH_EVERY_SECONDS (default 300). */
  publishEverySeconds?: number;
  /**
   * New feedback is published at most this many seconds after it arrives (default 15), even
   * when the step or time cadence is further away, so feedback shows in search within a minute.
   */
  feedbackFreshnessSeconds?: number;
  /** KEEP_VERSIONS (default 5). */
  keepVersions?: number;
  /** Training steps granted by each arrival of new feedback (default 60). */
  stepsAfterSignal?: number;
  /** Checkpoint at most this often while anything changed (default 5 s). */
  checkpointEverySeconds?: number;
  /** Explicit constraints per batch (default 16). */
  constraintsPerBatch?: number;
  /** Recency half-life of the P×Q sampling (default 10 minutes). */
  recencyHalfLifeMs?: number;
  /** Records per poll (default 256). */
  pollMaxRecords?: number;
  /** Wait per poll when idle (default 500 ms). */
  pollTimeoutMs?: number;
  /**
   * Partitions per topic that replay from offset 0 even when no checkpoint names them yet
   * (e.g. the Kafka partition count). Partitions a checkpoint names always replay.
   */
  replayPartitions?: number;
  /** Rows per re-embedding call (default 512). */
  reembedBatchSize?: number;
  /** onnxruntime threads for re-embedding (default every core). */
  reembedThreads?: number;
  /** Single-threaded onnxruntime sessions that embed batches side by side (default: TRAINER_THREADS, else one per available core). */
  reembedSessions?: number;
  /** A fixed set of held-out items to score each candidate on, instead of the holdout of feedback. */
  evaluation?: HeldOutSet;
  /** HOLDOUT_FRACTION: share of labelled items and constraints never trained on (default 0.1; 0: none). */
  holdoutFraction?: number;
  /** POISON_GUARD: train on the label consensus of sources (default on), with these options; `false`: on the newest label. */
  poisonGuard?: LearnerOptions['poisonGuard'];
  /** The canary gate (default tolerance 0.01, 50 held-out queries/triplets/pairs); `false`: every candidate goes live. */
  gate?: GateOptions | false;
  seed?: number;
}

export interface OnlineTrainerDeps {
  queue: Queue;
  vectorStore: VectorStore;
  modelStore: ModelStore;
  /** Embeds with published versions; default onnxruntime-node sessions over `modelStore`. */
  modelRuntime?: VersionEmbedder;
  /** Builds what fills each new collection (e.g. re-embed workers); default: the trainer itself. */
  catalogEmbedder?: (runtime: VersionEmbedder) => CatalogEmbedder;
  config: OnlineTrainerConfig;
  log: Logger;
  metrics?: TrainerMetrics;
}

const TOPICS: ConsumedTopic[] = ['items', 'feedback'];
const BACKLOG_GRACE_MS = 2_000;
/** Share of the time training may take while a backlog is read (one step can take a second on a busy CPU). */
const BACKLOG_TRAIN_SHARE = 0.1;

/**
 * The online trainer: consumes `items` and `feedback`, keeps the catalog and a replay memory
 * of feedback, trains the encoder on new signal, keeps the live collection current between
 * publications, and publishes model versions with a re-embedded catalog.
 *
 * Crash safety: the encoder is checkpointed together with the next offsets of everything
 * applied, and offsets are committed only after that checkpoint is durable. A restart loads
 * the checkpoint and re-reads both topics from offset 0: records below the checkpoint offsets
 * rebuild the catalog and memory only; records at or after them are new. So no accepted record
 * is ever skipped, and `consumed` counts each record once. A record that cannot be applied
 * goes to the dead-letter topic (once: replayed ones are not sent again) and training goes on.
 *
 * @example
 * const trainer = createOnlineTrainer({ queue, vectorStore, modelStore, config: { dataDir, encoder: thumbnailCnnConfig() }, log });
 * await trainer.start();
 * trainer.metrics().consumed; // { items: 1200, feedback: 340 }
 * await trainer.stop();
 */
export function createOnlineTrainer(deps: OnlineTrainerDeps) {
  const { queue, vectorStore, modelStore, log } = deps;
  const config = deps.config;
  const alias = config.alias ?? DEFAULT_LIVE_ALIAS;
  const group = config.group ?? 'discern-trainer';
  const checkpointEveryMs = (config.checkpointEverySeconds ?? 5) * 1000;
  const pollMaxRecords = config.pollMaxRecords ?? 256;
  const pollTimeoutMs = config.pollTimeoutMs ?? 500;
  const metrics = deps.metrics ?? createTrainerMetrics();
  // Re-embedding the whole catalog is one big batch job: give it the cores it is given, as one
  // single-threaded session per core (faster than intra-op threads on busy cores).
  const runtime = deps.modelRuntime ?? createOnnxModelRuntime(modelStore, { threads: 1, parallelSessions: config.reembedSessions ?? config.reembedThreads ?? availableParallelism() });
  const checkpoints = createTrainerCheckpoints(join(config.dataDir, 'trainer'));
  const embedder = createCatalogEmbedder({ vectorStore, runtime, batchSize: config.reembedBatchSize, log });
  const publisher = createPublisher({
    vectorStore,
    modelStore,
    runtime,
    alias,
    keepVersions: config.keepVersions ?? 5,
    batchSize: config.reembedBatchSize,
    // Publications happen only once the learner exists (after start).
    evaluation: config.evaluation ?? (() => learner!.memory.heldOut.snapshot(learner!.catalog)),
    gate: config.gate === false ? undefined : (config.gate ?? { tolerance: 0.01, minHeldOut: 50 }),
    log,
    metrics,
    catalogEmbedder: deps.catalogEmbedder?.(runtime),
  });
  const cadence = new PublicationCadence({
    everySteps: config.publishEverySteps,
    everySeconds: config.publishEverySeconds,
    freshnessSeconds: config.feedbackFreshnessSeconds,
    stepsAfterSignal: config.stepsAfterSignal,
  });
  const status = initialTrainerStatus();
  const statusFile = createStatusFile(join(config.dataDir, 'trainer-status.json'), liveCounts);

  let encoder: Encoder;
  let learner: Learner | undefined;
  let optimizer: tf.Optimizer;
  let consumer: QueueConsumer | undefined;
  const replay = new ReplayTracker();
  let liveVersion: string | undefined;
  const intake = createRecordIntake({ queue, embedder, alias, replay, status, metrics, log, liveVersion: () => liveVersion });
  let stepsSinceCheckpoint = 0;
  let lastCheckpointAt = 0;
  let stepsBase = 0;
  let skippedBase = 0;
  let stopping = false;
  let loop: Promise<void> | undefined;
  /** When the loop last went round, and when the version live at start was published: for health. */
  let loopAt = Date.now();
  let liveSince: string | undefined;
  /**
   * The last poll came back full: records are queued behind it (a seeded or bulk-loaded catalog).
   * Until they are read, new items go live one batch at a time with the live version, training
   * gets at most BACKLOG_TRAIN_SHARE of the time, and publishing waits, so a growing catalog is
   * not re-embedded again and again.
   */
  let backlogged = false;
  /** Backlog lasts BACKLOG_GRACE_MS past the last full poll: a bulk writer's next batch often lands just after the previous one was read. */
  let lastFullPollAt = -Infinity;
  let backlogSince: number | undefined;
  let backlogTrainMs = 0;

  function liveCounts(): LiveCounts {
    return {
      catalogItems: learner?.catalog.size ?? 0,
      embeddableItems: learner?.catalog.countEmbeddable() ?? 0,
      labelledItems: learner?.memory.labelledCount ?? 0,
      constraints: learner?.memory.constraintCount ?? 0,
      classes: learner?.memory.classCount ?? 0,
      heldOut: { items: learner?.memory.heldOut.labelledCount ?? 0, constraints: learner?.memory.heldOut.constraintCount ?? 0 },
      steps: stepsBase + (learner?.builder.steps ?? 0),
      skippedSteps: skippedBase + (learner?.builder.skippedSteps ?? 0),
    };
  }

  const writeStatus = (force = false) => statusFile.write(status, force);

  async function restore(): Promise<Learner> {
    optimizer = tf.train.adam(config.learningRate ?? 1e-3);
    const restored = await restoreEncoder({ checkpoints, modelStore, optimizer, encoderConfig: config.encoder, log });
    encoder = restored.encoder;
    stepsBase = restored.steps;
    skippedBase = restored.skippedSteps;
    const saved = restored.checkpoint;
    replay.checkpointedAt(saved?.meta.offsets ?? []);
    if (saved) status.checkpoint = { dir: saved.dir, step: saved.meta.step, savedAt: saved.meta.savedAt, offsets: saved.meta.offsets };
    const created = createLearner(encoder, optimizer, config);
    created.consensus?.onVerdict((source, kind, accepted) => metrics.feedbackVerdicts.inc({ source: metrics.sourceLabel(source), kind, verdict: accepted ? 'accepted' : 'down_weighted' }));
    return created;
  }

  /** Trains for about `budgetMs`, at least one step. */
  async function train({ builder }: Learner, budgetMs: number): Promise<void> {
    const until = Date.now() + budgetMs;
    for (let first = true; cadence.trainingBudget > 0 && !stopping && (first || Date.now() < until); first = false) {
      const result = builder.step();
      if (!result) {
        cadence.exhausted();
        break;
      }
      cadence.stepped();
      stepsSinceCheckpoint++;
      metrics.steps.inc();
      if (result.skipped) {
        metrics.skippedSteps.inc();
        log.warn({ step: stepsBase + builder.steps, loss: result.loss }, 'skipped a training step with a non-finite loss');
      } else {
        status.lastLoss = result.loss;
        metrics.loss.set(result.loss);
      }
      // Lets an API served by the same process answer between steps.
      await yieldToEventLoop();
    }
  }

  /** Trains a turn, or while a backlog is read, a step only as often as keeps training within its share. */
  async function trainBesideBacklog(current: Learner): Promise<void> {
    if (!backlogged) {
      backlogSince = undefined;
      backlogTrainMs = 0;
      return train(current, 250);
    }
    backlogSince ??= Date.now();
    if (backlogTrainMs > BACKLOG_TRAIN_SHARE * (Date.now() - backlogSince)) return;
    const started = Date.now();
    await train(current, 0);
    backlogTrainMs += Date.now() - started;
  }

  async function publish(current: Learner): Promise<void> {
    const signalAt = cadence.publishing();
    const checkpointDir = await checkpoint(current);
    const outcome = await publisher.publish({
      encoder,
      catalog: current.catalog,
      step: stepsBase + current.builder.steps,
      checkpointDir,
      extra: { consumed: { ...status.consumed }, trainerGroup: group },
    });
    cadence.published(Date.now());
    if (!outcome.published) {
      // Training goes on from the rejected weights: the gate guards what users see, and more
      // steps on more feedback usually climb back above the live version. A candidate that stays
      // worse never goes live.
      const { published: _, ...rejection } = outcome;
      status.rejections++;
      status.lastRejection = { ...rejection, at: new Date().toISOString() };
      await writeStatus(true);
      return;
    }
    const { published: _, ...publication } = outcome;
    liveVersion = publication.version;
    status.publications++;
    status.modelVersion = liveVersion;
    status.lastPublication = {
      ...publication,
      at: new Date().toISOString(),
      ...(signalAt !== undefined ? { feedbackToVersionSeconds: (Date.now() - signalAt) / 1000 } : {}),
    };
    await writeStatus(true);
  }

  /** Saves weights + offsets durably, then commits the offsets; returns the checkpoint dir. */
  async function checkpoint({ builder }: Learner): Promise<string> {
    const offsets = replay.offsetsToCheckpoint();
    const meta: TrainerCheckpointMeta = {
      offsets,
      step: stepsBase + builder.steps,
      skippedSteps: skippedBase + builder.skippedSteps,
      modelVersion: liveVersion,
      savedAt: new Date().toISOString(),
    };
    const dir = await checkpoints.save(encoder, optimizer, meta);
    // Only now is every record below these offsets safe to skip for training after a crash.
    if (offsets.length > 0) await consumer!.commit(offsets);
    replay.checkpointedAt(offsets);
    stepsSinceCheckpoint = 0;
    lastCheckpointAt = Date.now();
    status.checkpoint = { dir, step: meta.step, savedAt: meta.savedAt, offsets };
    try {
      const lag = await consumer!.lag();
      for (const [topic, value] of Object.entries(lag)) metrics.lag.set({ topic }, value);
    } catch (error) {
      log.debug({ err: error }, 'could not read consumer lag');
    }
    return dir;
  }

  function checkpointDue(now: number): boolean {
    if (now - lastCheckpointAt < checkpointEveryMs) return false;
    return stepsSinceCheckpoint > 0 || replay.hasUncheckpointed();
  }

  async function run(current: Learner): Promise<void> {
    while (!stopping) {
      loopAt = Date.now();
      const busy = cadence.trainingBudget > 0 || cadence.initialPending;
      const records = await consumer!.poll(pollMaxRecords, busy ? 0 : pollTimeoutMs);
      if (records.length > 0 && (await intake.take(records, current)) > 0) cadence.signalled(Date.now());
      if (records.length >= pollMaxRecords) lastFullPollAt = Date.now();
      backlogged = !cadence.initialPending && Date.now() - lastFullPollAt < BACKLOG_GRACE_MS;
      status.backlogged = backlogged;
      if (!replay.caughtUp()) {
        status.phase = 'replaying';
        await writeStatus();
        continue;
      }
      if (status.phase !== 'running') {
        status.phase = 'running';
        log.info({ consumed: status.consumed, ...liveCounts() }, 'caught up with the checkpoint; training on new records');
      }
      if (cadence.trainingBudget > 0) await trainBesideBacklog(current);
      const now = Date.now();
      if (!backlogged && cadence.due(now)) await publish(current);
      else if (checkpointDue(now)) await checkpoint(current);
      await writeStatus();
    }
  }

  return {
    /** Restores state, opens the consumer and starts the loop; resolves once it runs. */
    async start(): Promise<void> {
      if (loop) throw new Error('trainer already started');
      await queue.init();
      const current = (learner = await restore());
      status.backend = tf.getBackend();
      metrics.backend.set({ backend: status.backend }, 1);
      const startAt = replay.replayFrom(TOPICS, config.replayPartitions);
      consumer = await queue.consumer({ group, topics: TOPICS, startAt });
      const live = await vectorStore.resolveAlias(alias);
      liveVersion = live ? versionOfCollection(alias, live) : undefined;
      const liveInfo = liveVersion ? await modelStore.get(liveVersion) : undefined;
      liveSince = liveInfo?.createdAt;
      if (liveVersion && !liveInfo) {
        log.warn({ live, liveVersion }, 'live collection names a model version missing from the model store; publishing a new one');
        liveVersion = undefined;
      }
      cadence.initialPending = liveVersion === undefined;
      status.modelVersion = liveVersion;
      if (liveVersion) metrics.modelVersion.set(versionNumber(liveVersion));
      cadence.restart(Date.now());
      lastCheckpointAt = Date.now();
      status.phase = replay.caughtUp() ? 'running' : 'replaying';
      await writeStatus(true);
      log.info({ group, liveVersion, replayFrom: startAt, backend: status.backend }, 'online trainer started');
      loop = run(current).catch(async (error) => {
        status.phase = 'failed';
        status.error = (error as Error).message;
        log.error({ err: error }, 'online trainer failed');
        await writeStatus(true).catch(() => undefined);
        throw error;
      });
      loop.catch(() => undefined);
    },

    /** Finishes the current step, checkpoints what was applied, and closes the consumer. */
    async stop(): Promise<void> {
      if (!loop) return;
      stopping = true;
      let failure: unknown;
      await loop.catch((error) => (failure = error));
      if (!failure && replay.caughtUp() && consumer && learner) {
        await checkpoint(learner);
      }
      if (status.phase !== 'failed') status.phase = 'stopped';
      await writeStatus(true);
      await consumer?.close();
      consumer = undefined;
      loop = undefined;
    },

    /** Resolves when the loop ends (after `stop()`), rejects when it fails. */
    done(): Promise<void> {
      return loop ?? Promise.resolve();
    },

    /** A snapshot of the trainer's counters. */
    metrics(): TrainerStatus {
      return structuredClone({ ...status, ...liveCounts() });
    },

    /** When the loop last went round and when the live version was published (ms / ISO time). */
    liveness(): { loopAt: number; lastPublicationAt?: string } {
      return { loopAt, lastPublicationAt: status.lastPublication?.at ?? liveSince };
    },

    /** Records not yet committed by the trainer, per topic (empty before it consumes). */
    async lag(): Promise<Record<string, number>> {
      return consumer ? consumer.lag() : {};
    },

    /** Prometheus registry with the trainer's metrics. */
    get registry() {
      return metrics.registry;
    },

    /** The encoder being trained (read-only use). */
    get encoder(): Encoder {
      return encoder;
    },
  };
}

export type OnlineTrainer = ReturnType<typeof createOnlineTrainer>;
