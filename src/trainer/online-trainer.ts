import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { DEFAULT_LIVE_ALIAS, versionOfCollection } from '../core/catalog-naming';
import type { QueueConsumer } from '../core/queue';
import type { Encoder } from '../encoder/encoder';
import { createCatalogEmbedder } from '../catalog-embedding/catalog-embedder';
import { createLearner, type Learner } from './learner';
import type { OnlineTrainerDeps } from './online-trainer-config';
import { createPublisher, versionNumber } from './publisher';
import { createRecordIntake } from './record-intake';
import { ReplayTracker } from './replay-tracker';
import { restoreEncoder } from './restore-encoder';
import { createTrainerCheckpoints } from './trainer-checkpoint';
import { createTrainerCheckpointing } from './trainer-checkpointing';
import { createTrainerMetrics } from './trainer-metrics';
import { createTrainingControl } from './training-control';
import { createTrainingTurns } from './training-turns';
import { countsOf, createStatusFile, initialTrainerStatus, recordPublishOutcome, type ConsumedTopic, type LiveCounts, type TrainerStatus } from './trainer-status';

export type { TrainerStatus } from './trainer-status';
export type { OnlineTrainerConfig, OnlineTrainerDeps } from './online-trainer-config';

const TOPICS: ConsumedTopic[] = ['items', 'feedback'];
const BACKLOG_GRACE_MS = 2_000;

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
 * const trainer = createOnlineTrainer({ queue, vectorStore, modelStore, modelRuntime: createOnnxModelRuntime(modelStore), checkpointFolders: fsCheckpointFolders, config: { dataDir, encoder: thumbnailCnnConfig() }, log });
 * await trainer.start();
 * trainer.metrics().consumed; // { items: 1200, feedback: 340 }
 * await trainer.stop();
 */
export function createOnlineTrainer(deps: OnlineTrainerDeps) {
  const { queue, vectorStore, modelStore, log } = deps;
  const config = deps.config;
  const alias = config.alias ?? DEFAULT_LIVE_ALIAS;
  const group = config.group ?? 'discern-trainer';
  const pollMaxRecords = config.pollMaxRecords ?? 256;
  const pollTimeoutMs = config.pollTimeoutMs ?? 500;
  const metrics = deps.metrics ?? createTrainerMetrics();
  const runtime = deps.modelRuntime;
  const checkpoints = createTrainerCheckpoints(deps.checkpointFolders.open(join(config.dataDir, 'trainer')));
  // One catalog embedder fills each new version's collection and keeps the live one current;
  // it keeps as many batches in flight as the runtime has sessions side by side.
  const embedder = createCatalogEmbedder({ vectorStore, runtime, batchSize: config.reembedBatchSize, sessions: config.reembedInFlight, log });
  let encoder: Encoder;
  let learner: Learner | undefined;
  let optimizer: tf.Optimizer;
  let consumer: QueueConsumer | undefined;
  const gate = config.gate === false ? undefined : (config.gate ?? { tolerance: 0.01, minHeldOut: 50 });
  const publisher = createPublisher({
    vectorStore,
    modelStore,
    runtime,
    alias,
    keepVersions: config.keepVersions ?? 5,
    batchSize: config.reembedBatchSize,
    // Publications happen only once the learner exists (after start).
    evaluation: config.evaluation ?? (() => learner!.memory.heldOut.snapshot(learner!.catalog)),
    gate,
    log,
    metrics,
    catalogEmbedder: deps.catalogEmbedder?.(runtime) ?? embedder,
  });
  const control = createTrainingControl(config, { learner: () => learner, encoder: () => encoder, gate, metrics, log });
  const { cadence, training, budget } = control;
  const status = initialTrainerStatus();
  const statusFile = createStatusFile(join(config.dataDir, 'trainer-status.json'), () => liveCounts());

  const replay = new ReplayTracker();
  let liveVersion: string | undefined;
  const intake = createRecordIntake({ queue, embedder, alias, replay, status, metrics, log, liveVersion: () => liveVersion });
  const checkpointing = createTrainerCheckpointing({ checkpoints, replay, consumer: () => consumer!, everyMs: (config.checkpointEverySeconds ?? 5) * 1000, status, metrics, log });
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
   * gets at most a tenth of the time, and publishing waits, so a growing catalog is
   * not re-embedded again and again.
   */
  let backlogged = false;
  /** Backlog lasts BACKLOG_GRACE_MS past the last full poll: a bulk writer's next batch often lands just after the previous one was read. */
  let lastFullPollAt = -Infinity;
  const turns = createTrainingTurns({ training, cadence, budget, metrics, status, log, stepsBefore: () => stepsBase, stopping: () => stopping });

  const liveCounts = (): LiveCounts => ({ ...countsOf(learner, { steps: stepsBase, skippedSteps: skippedBase }), training: control.status() });

  const writeStatus = (force = false) => statusFile.write(status, force);

  async function restore(): Promise<Learner> {
    optimizer = tf.train.adam(config.learningRate ?? 1e-3);
    const restored = await restoreEncoder({ checkpoints, checkpointFolders: deps.checkpointFolders, modelStore, optimizer, encoderConfig: config.encoder, log });
    encoder = restored.encoder;
    stepsBase = restored.steps;
    skippedBase = restored.skippedSteps;
    const saved = restored.checkpoint;
    replay.checkpointedAt(saved?.meta.offsets ?? []);
    if (saved) status.checkpoint = { dir: saved.dir, step: saved.meta.step, savedAt: saved.meta.savedAt, offsets: saved.meta.offsets };
    const created = createLearner(encoder, optimizer, { ...config, imageDecoder: deps.imageDecoder });
    created.consensus?.onVerdict((source, kind, accepted) => metrics.feedbackVerdicts.inc({ source: metrics.sourceLabel(source), kind, verdict: accepted ? 'accepted' : 'down_weighted' }));
    return created;
  }

  async function publish(current: Learner): Promise<void> {
    const signalAt = cadence.publishing(Date.now());
    const checkpointDir = await checkpoint(current);
    const extra = { consumed: { ...status.consumed }, trainerGroup: group };
    const outcome = await publisher.publish({ encoder, catalog: current.catalog, step: stepsBase + current.builder.steps, checkpointDir, extra });
    cadence.published(Date.now(), outcome.published);
    training.published();
    // A rejected candidate's weights train on: the gate guards what users see, and more steps on
    // more feedback usually climb back above the live version.
    recordPublishOutcome(status, outcome, signalAt);
    if (outcome.published) liveVersion = outcome.version;
    await writeStatus(true);
  }

  const checkpoint = ({ builder }: Learner) =>
    checkpointing.save(encoder, optimizer, { step: stepsBase + builder.steps, skippedSteps: skippedBase + builder.skippedSteps, modelVersion: liveVersion });

  async function run(current: Learner): Promise<void> {
    while (!stopping) {
      loopAt = Date.now();
      const records = await consumer!.poll(pollMaxRecords, cadence.initialPending ? 0 : turns.pollWaitMs(pollTimeoutMs));
      if (records.length > 0 && (await intake.take(records, current)) > 0) {
        cadence.signalled(Date.now());
        training.signalled();
      }
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
      checkpointing.trained(await turns.take(current, { backlogged }));
      const now = Date.now();
      if (!backlogged && cadence.due(now)) await publish(current);
      else if (checkpointing.due(now)) await checkpoint(current);
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
      const startAt = replay.replayFrom(TOPICS, config.replayPartitions ?? queue.replayPartitions);
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
      if (!failure && replay.caughtUp() && consumer && learner) await checkpoint(learner);
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
