import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs-core';
import writeFileAtomic from 'write-file-atomic';
import { collectionForVersion, DEFAULT_LIVE_ALIAS, versionOfCollection } from '../core/catalog-naming';
import type { ModelStore } from '../core/model-store';
import type { ConsumedRecord, OutgoingRecord, Queue, QueueConsumer, TopicName, TopicPartitionOffset } from '../core/queue';
import type { VectorPoint, VectorStore } from '../core/vector-store';
import { createLoss, createMiner } from '../dml/registry';
import type { EncoderConfigInput } from '../encoder/config';
import { createEncoder, type Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { BatchBuilder } from './batch-builder';
import { CatalogState, type ModelInputSpec } from './catalog-state';
import { RecordApplier, type RecordOutcome } from './record-applier';
import { FeedbackMemory } from './feedback-memory';
import { createPublisher, versionNumber, type HeldOutSet, type Publication, type VersionEmbedder } from './publisher';
import { createTrainerCheckpoints, loadCheckpointDir, type TrainerCheckpointMeta } from './trainer-checkpoint';
import { createTrainerMetrics, type TrainerMetrics } from './trainer-metrics';
import { deadLetterFor } from './dead-letter';

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
  /** Single-threaded onnxruntime sessions that embed batches side by side (default: one per available core). */
  reembedSessions?: number;
  /** Held-out labelled items measured at each publication. */
  evaluation?: HeldOutSet;
  seed?: number;
}

export interface OnlineTrainerDeps {
  queue: Queue;
  vectorStore: VectorStore;
  modelStore: ModelStore;
  /** Embeds with published versions; default onnxruntime-node sessions over `modelStore`. */
  modelRuntime?: VersionEmbedder;
  config: OnlineTrainerConfig;
  log: Logger;
  metrics?: TrainerMetrics;
}

type ConsumedTopic = Extract<TopicName, 'items' | 'feedback'>;
type PerTopic = Record<ConsumedTopic, number>;

/** The trainer's counters, as `metrics()` returns them and `trainer-status.json` holds them. */
export interface TrainerStatus {
  pid: number;
  phase: 'starting' | 'replaying' | 'running' | 'stopped' | 'failed';
  /** Distinct records consumed since the beginning of each topic (applied, duplicates and dead letters). */
  consumed: PerTopic;
  /** Records that changed the catalog or the replay memory. */
  applied: PerTopic;
  deadLetters: PerTopic;
  /** Feedback records repeating an `eventId` already seen. */
  duplicates: number;
  catalogItems: number;
  embeddableItems: number;
  labelledItems: number;
  constraints: number;
  classes: number;
  steps: number;
  skippedSteps: number;
  lastLoss?: number;
  modelVersion?: string;
  publications: number;
  /** The last poll came back full: a backlog (e.g. a seeded catalog) is being read, and publishing waits for it. */
  backlogged?: boolean;
  lastPublication?: Publication & { at: string; feedbackToVersionSeconds?: number };
  checkpoint?: { dir: string; step: number; savedAt: string; offsets: TopicPartitionOffset[] };
  backend: string;
  error?: string;
  updatedAt: string;
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
 * is ever skipped, and `consumed` counts each record once.
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
  const publishEverySteps = config.publishEverySteps ?? 500;
  const publishEveryMs = (config.publishEverySeconds ?? 300) * 1000;
  const freshnessMs = (config.feedbackFreshnessSeconds ?? 15) * 1000;
  const checkpointEveryMs = (config.checkpointEverySeconds ?? 5) * 1000;
  const stepsAfterSignal = config.stepsAfterSignal ?? 60;
  const pollMaxRecords = config.pollMaxRecords ?? 256;
  const pollTimeoutMs = config.pollTimeoutMs ?? 500;
  const metrics = deps.metrics ?? createTrainerMetrics();
  // Re-embedding the whole catalog is one big batch job: give it every core, as one
  // single-threaded session per core (faster than intra-op threads on busy cores).
  const runtime = deps.modelRuntime ?? createOnnxModelRuntime(modelStore, { threads: 1, parallelSessions: config.reembedSessions ?? availableParallelism() });
  const checkpoints = createTrainerCheckpoints(join(config.dataDir, 'trainer'));
  const statusPath = join(config.dataDir, 'trainer-status.json');
  const publisher = createPublisher({
    vectorStore,
    modelStore,
    runtime,
    alias,
    keepVersions: config.keepVersions ?? 5,
    batchSize: config.reembedBatchSize,
    evaluation: config.evaluation,
    log,
    metrics,
  });

  const status: TrainerStatus = {
    pid: process.pid,
    phase: 'starting',
    consumed: { items: 0, feedback: 0 },
    applied: { items: 0, feedback: 0 },
    deadLetters: { items: 0, feedback: 0 },
    duplicates: 0,
    catalogItems: 0,
    embeddableItems: 0,
    labelledItems: 0,
    constraints: 0,
    classes: 0,
    steps: 0,
    skippedSteps: 0,
    publications: 0,
    backend: tf.getBackend(),
    updatedAt: new Date().toISOString(),
  };

  let encoder: Encoder;
  let catalog: CatalogState;
  let memory: FeedbackMemory;
  let builder: BatchBuilder;
  let optimizer: tf.Optimizer;
  let consumer: QueueConsumer | undefined;
  /** Offsets of the last durable checkpoint: records below them are replayed, not new. */
  let checkpointOffsets = new Map<string, number>();
  /** Next offset per partition after what has been applied in this process. */
  const positions = new Map<string, number>();
  /** Items whose live vector or payload is to be refreshed once the replay has caught up. */
  const pendingTouched = new Set<string>();
  let applier: RecordApplier;
  let liveVersion: string | undefined;
  let initialPublishPending = false;
  let trainingBudget = 0;
  let stepsSincePublish = 0;
  let stepsSinceCheckpoint = 0;
  let firstUnpublishedSignalAt: number | undefined;
  let lastPublishAt = Date.now();
  let lastCheckpointAt = 0;
  let lastStatusWrite = 0;
  let stepsBase = 0;
  let skippedBase = 0;
  let stopping = false;
  let loop: Promise<void> | undefined;
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

  const tpKey = (topic: string, partition: number) => `${topic}/${partition}`;

  function replayCaughtUp(): boolean {
    for (const [key, offset] of checkpointOffsets) if ((positions.get(key) ?? 0) < offset) return false;
    return true;
  }

  function mergedOffsets(): TopicPartitionOffset[] {
    const merged = new Map(checkpointOffsets);
    for (const [key, offset] of positions) merged.set(key, Math.max(offset, merged.get(key) ?? 0));
    return [...merged].map(([key, offset]) => {
      const [topic, partition] = key.split('/');
      return { topic: topic as TopicName, partition: Number(partition), offset: String(offset) };
    });
  }

  async function restore(): Promise<void> {
    optimizer = tf.train.adam(config.learningRate ?? 1e-3);
    const saved = await checkpoints.loadLatest(optimizer);
    if (saved) {
      encoder = saved.encoder;
      checkpointOffsets = new Map(saved.meta.offsets.map((o) => [tpKey(o.topic, o.partition), Number(o.offset)]));
      stepsBase = saved.meta.step;
      skippedBase = saved.meta.skippedSteps;
      status.checkpoint = { dir: saved.dir, step: saved.meta.step, savedAt: saved.meta.savedAt, offsets: saved.meta.offsets };
      log.info({ dir: saved.dir, step: saved.meta.step, offsets: saved.meta.offsets }, 'restored trainer checkpoint');
      return;
    }
    const versions = (await modelStore.list()).sort((a, b) => versionNumber(b.id) - versionNumber(a.id));
    for (const v of versions) {
      const dir = await modelStore.checkpointDir(v.id);
      if (!dir) continue;
      encoder = await loadCheckpointDir(dir);
      stepsBase = v.step;
      log.info({ version: v.id, step: v.step }, 'no trainer checkpoint; starting from the newest stored model version');
      return;
    }
    encoder = createEncoder(config.encoder);
    log.info({ encoder: encoder.config.kind, dim: encoder.dim, input: encoder.inputShape }, 'no checkpoint or model version; created a fresh encoder');
  }

  function buildLearner(): void {
    const input = encoder.config.input as ModelInputSpec;
    catalog = new CatalogState(input);
    memory = new FeedbackMemory({
      capacity: config.replaySize ?? 20_000,
      classesPerBatch: config.classesPerBatch ?? 8,
      itemsPerClass: config.itemsPerClass ?? 4,
      recencyHalfLifeMs: config.recencyHalfLifeMs,
      seed: config.seed,
    });
    const lossSpec = config.loss ?? { name: 'multi-similarity' };
    const minerSpec = config.miner ?? { name: 'multi-similarity' };
    applier = new RecordApplier(catalog, memory);
    builder = new BatchBuilder({
      encoder,
      catalog,
      memory,
      loss: createLoss(lossSpec.name, lossSpec.options ?? {}),
      miner: createMiner(minerSpec.name, minerSpec.options ?? {}),
      optimizer,
      constraintsPerBatch: config.constraintsPerBatch,
    });
  }

  async function applyRecords(records: ConsumedRecord[]): Promise<void> {
    const deadLetters: OutgoingRecord[] = [];
    let newSignal = 0;
    for (const record of records) {
      const topic = record.topic as ConsumedTopic;
      const key = tpKey(record.topic, record.partition);
      const offset = Number(record.offset);
      const isNew = offset >= (checkpointOffsets.get(key) ?? 0);
      let outcome: RecordOutcome | undefined;
      let value: unknown;
      try {
        value = JSON.parse(record.value);
      } catch (error) {
        value = undefined;
        outcome = { kind: 'dead', reason: `value: not JSON (${(error as Error).message})` };
      }
      outcome ??= await applier.apply(topic, value, record.timestamp);
      positions.set(key, Math.max(positions.get(key) ?? 0, offset + 1));
      status.consumed[topic]++;
      metrics.eventsConsumed.inc({ topic });
      if (outcome.kind === 'dead') {
        status.deadLetters[topic]++;
        if (isNew) {
          metrics.deadLetters.inc({ topic });
          deadLetters.push(deadLetterFor(record, outcome.reason));
          log.warn({ topic, partition: record.partition, offset: record.offset, key: record.key, reason: outcome.reason }, 'record sent to dead letters');
        }
      } else if (outcome.kind === 'duplicate') {
        status.duplicates++;
      } else {
        status.applied[topic]++;
        if (isNew) {
          if (outcome.signal) newSignal++;
          for (const id of outcome.touched) pendingTouched.add(id);
        }
      }
    }
    if (deadLetters.length > 0) await queue.publish('dead-letters', deadLetters);
    // While replaying, the catalog lacks records not yet re-read: an item seen so far only in new
    // feedback (its content lies below the checkpoint, on another topic) would look content-less
    // and be removed from the live collection for good.
    if (pendingTouched.size > 0 && replayCaughtUp()) {
      const ids = [...pendingTouched];
      pendingTouched.clear();
      await updateLiveCollection(ids);
    }
    if (newSignal > 0) {
      trainingBudget = Math.max(trainingBudget, stepsAfterSignal);
      firstUnpublishedSignalAt ??= Date.now();
    }
  }

  /** Embeds changed items with the live version and writes them (or removes them) in its collection. */
  async function updateLiveCollection(ids: string[]): Promise<void> {
    if (!liveVersion) return;
    const collection = collectionForVersion(alias, liveVersion);
    const upserts = ids.map((id) => catalog.get(id)).filter((item) => item?.input !== undefined) as Array<NonNullable<ReturnType<CatalogState['get']>>>;
    const removed = ids.filter((id) => catalog.get(id)?.input === undefined);
    if (removed.length > 0) await vectorStore.delete(collection, removed);
    if (upserts.length === 0) return;
    const rowSize = catalog.inputSize;
    const data = new Float32Array(upserts.length * rowSize);
    upserts.forEach((item, i) => data.set(item.input!, i * rowSize));
    const vectors = await runtime.embed(liveVersion, data, [upserts.length, ...catalog.inputShape]);
    const dim = vectors.length / upserts.length;
    const points: VectorPoint[] = [];
    upserts.forEach((item, i) => {
      const vector = vectors.slice(i * dim, (i + 1) * dim);
      if (vector.every(Number.isFinite)) points.push({ id: item.id, vector, payload: catalog.payloadOf(item) });
    });
    if (points.length > 0) await vectorStore.upsert(collection, points);
  }

  /** Trains for about `budgetMs`, at least one step. */
  async function train(budgetMs: number): Promise<void> {
    const until = Date.now() + budgetMs;
    for (let first = true; trainingBudget > 0 && !stopping && (first || Date.now() < until); first = false) {
      const result = builder.step();
      if (!result) {
        trainingBudget = 0;
        break;
      }
      trainingBudget--;
      stepsSincePublish++;
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
  async function trainBesideBacklog(): Promise<void> {
    if (!backlogged) {
      backlogSince = undefined;
      backlogTrainMs = 0;
      return train(250);
    }
    backlogSince ??= Date.now();
    if (backlogTrainMs > BACKLOG_TRAIN_SHARE * (Date.now() - backlogSince)) return;
    const started = Date.now();
    await train(0);
    backlogTrainMs += Date.now() - started;
  }

  function publishDue(now: number): boolean {
    if (initialPublishPending) return true;
    if (stepsSincePublish === 0) return false;
    if (stepsSincePublish >= publishEverySteps || now - lastPublishAt >= publishEveryMs) return true;
    if (firstUnpublishedSignalAt === undefined) return false;
    return trainingBudget === 0 || now - firstUnpublishedSignalAt >= freshnessMs;
  }

  async function publish(): Promise<void> {
    const signalAt = firstUnpublishedSignalAt;
    firstUnpublishedSignalAt = undefined;
    const checkpointDir = await checkpoint();
    const publication = await publisher.publish({
      encoder,
      catalog,
      step: stepsBase + builder.steps,
      checkpointDir,
      extra: { consumed: { ...status.consumed }, trainerGroup: group },
    });
    liveVersion = publication.version;
    initialPublishPending = false;
    stepsSincePublish = 0;
    lastPublishAt = Date.now();
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
  async function checkpoint(): Promise<string> {
    const offsets = mergedOffsets();
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
    checkpointOffsets = new Map(offsets.map((o) => [tpKey(o.topic, o.partition), Number(o.offset)]));
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
    if (stepsSinceCheckpoint > 0) return true;
    for (const [key, offset] of positions) if (offset > (checkpointOffsets.get(key) ?? 0)) return true;
    return false;
  }

  async function writeStatus(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - lastStatusWrite < 250) return;
    lastStatusWrite = now;
    Object.assign(status, {
      catalogItems: catalog?.size ?? 0,
      embeddableItems: catalog?.countEmbeddable() ?? 0,
      labelledItems: memory?.labelledCount ?? 0,
      constraints: memory?.constraintCount ?? 0,
      classes: memory?.classCount ?? 0,
      steps: stepsBase + (builder?.steps ?? 0),
      skippedSteps: skippedBase + (builder?.skippedSteps ?? 0),
      updatedAt: new Date(now).toISOString(),
    });
    await writeFileAtomic(statusPath, JSON.stringify(status, null, 2));
  }

  async function run(): Promise<void> {
    while (!stopping) {
      const busy = trainingBudget > 0 || initialPublishPending;
      const records = await consumer!.poll(pollMaxRecords, busy ? 0 : pollTimeoutMs);
      if (records.length > 0) await applyRecords(records);
      if (records.length >= pollMaxRecords) lastFullPollAt = Date.now();
      backlogged = !initialPublishPending && Date.now() - lastFullPollAt < BACKLOG_GRACE_MS;
      status.backlogged = backlogged;
      if (!replayCaughtUp()) {
        status.phase = 'replaying';
        await writeStatus();
        continue;
      }
      if (status.phase !== 'running') {
        status.phase = 'running';
        log.info({ consumed: status.consumed, catalogItems: catalog.size, labelled: memory.labelledCount, constraints: memory.constraintCount }, 'caught up with the checkpoint; training on new records');
      }
      if (trainingBudget > 0) await trainBesideBacklog();
      const now = Date.now();
      if (!backlogged && publishDue(now)) await publish();
      else if (checkpointDue(now)) await checkpoint();
      await writeStatus();
    }
  }

  return {
    /** Restores state, opens the consumer and starts the loop; resolves once it runs. */
    async start(): Promise<void> {
      if (loop) throw new Error('trainer already started');
      await queue.init();
      await restore();
      buildLearner();
      status.backend = tf.getBackend();
      metrics.backend.set({ backend: status.backend }, 1);
      const partitions = new Set(checkpointOffsets.keys());
      for (const topic of TOPICS) for (let p = 0; p < (config.replayPartitions ?? 0); p++) partitions.add(tpKey(topic, p));
      const startAt = [...partitions].map((key) => {
        const [topic, partition] = key.split('/');
        return { topic: topic as TopicName, partition: Number(partition), offset: '0' };
      });
      consumer = await queue.consumer({ group, topics: TOPICS, startAt });
      const live = await vectorStore.resolveAlias(alias);
      liveVersion = live ? versionOfCollection(alias, live) : undefined;
      if (liveVersion && !(await modelStore.get(liveVersion))) {
        log.warn({ live, liveVersion }, 'live collection names a model version missing from the model store; publishing a new one');
        liveVersion = undefined;
      }
      initialPublishPending = liveVersion === undefined;
      status.modelVersion = liveVersion;
      if (liveVersion) metrics.modelVersion.set(versionNumber(liveVersion));
      lastPublishAt = Date.now();
      lastCheckpointAt = Date.now();
      status.phase = replayCaughtUp() ? 'running' : 'replaying';
      await writeStatus(true);
      log.info({ group, liveVersion, replayFrom: startAt, backend: status.backend }, 'online trainer started');
      loop = run().catch(async (error) => {
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
      if (!failure && replayCaughtUp() && consumer) {
        await checkpoint();
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
      return structuredClone({
        ...status,
        steps: stepsBase + (builder?.steps ?? 0),
        skippedSteps: skippedBase + (builder?.skippedSteps ?? 0),
        catalogItems: catalog?.size ?? 0,
        embeddableItems: catalog?.countEmbeddable() ?? 0,
        labelledItems: memory?.labelledCount ?? 0,
        constraints: memory?.constraintCount ?? 0,
        classes: memory?.classCount ?? 0,
      });
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
