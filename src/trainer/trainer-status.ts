import * as tf from '@tensorflow/tfjs-core';
import writeFileAtomic from 'write-file-atomic';
import type { TopicName, TopicPartitionOffset } from '../core/queue';
import type { TrainingStatus } from './continuous-training';
import type { Learner } from './learner';
import type { Publication, PublishOutcome, Rejection } from './publisher';

export type ConsumedTopic = Extract<TopicName, 'items' | 'feedback'>;
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
  /** Candidates the canary gate kept from going live. */
  rejections: number;
  lastRejection?: Rejection & { at: string };
  /** Feedback held out from training: labelled items and constraints. */
  heldOut: { items: number; constraints: number };
  checkpoint?: { dir: string; step: number; savedAt: string; offsets: TopicPartitionOffset[] };
  /** Whether it trains, and why not; the holdout scores that decide; the CPU budget and the time it took and rested. */
  training?: TrainingStatus & { cpuBudget: number; trainingSeconds: number; restSeconds: number };
  backend: string;
  error?: string;
  updatedAt: string;
}

/** The counters of the catalog, memory and learner, read when the status is shown. */
export type LiveCounts = Pick<TrainerStatus, 'catalogItems' | 'embeddableItems' | 'labelledItems' | 'constraints' | 'classes' | 'heldOut' | 'steps' | 'skippedSteps' | 'training'>;

/**
 * The status of a trainer that has consumed nothing yet.
 *
 * @example
 * const status = initialTrainerStatus();
 * status.consumed.items++;
 */
export function initialTrainerStatus(): TrainerStatus {
  return {
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
    rejections: 0,
    heldOut: { items: 0, constraints: 0 },
    backend: tf.getBackend(),
    updatedAt: new Date().toISOString(),
  };
}

/**
 * Writes a status to `path` atomically, at most every `minIntervalMs` unless forced, with the
 * live counts filled in.
 *
 * @example
 * const file = createStatusFile(join(dataDir, 'trainer-status.json'), () => counts());
 * await file.write(status);        // throttled
 * await file.write(status, true);  // now
 */
export function createStatusFile(path: string, counts: () => LiveCounts, minIntervalMs = 250) {
  let lastWrite = 0;
  return {
    async write(status: TrainerStatus, force = false): Promise<void> {
      const now = Date.now();
      if (!force && now - lastWrite < minIntervalMs) return;
      lastWrite = now;
      Object.assign(status, counts(), { updatedAt: new Date(now).toISOString() });
      await writeFileAtomic(path, JSON.stringify(status, null, 2));
    },
  };
}

/**
 * Records what a publication did in `status`: a published version (with how long its oldest
 * feedback waited, when `signalAt` is known) or a rejected candidate.
 *
 * @example
 * recordPublishOutcome(status, await publisher.publish(request), signalAt);
 */
export function recordPublishOutcome(status: TrainerStatus, outcome: PublishOutcome, signalAt: number | undefined): void {
  const at = new Date().toISOString();
  if (!outcome.published) {
    const { published: _, ...rejection } = outcome;
    status.rejections++;
    status.lastRejection = { ...rejection, at };
    return;
  }
  const { published: _, ...publication } = outcome;
  status.publications++;
  status.modelVersion = publication.version;
  status.lastPublication = { ...publication, at, ...(signalAt !== undefined ? { feedbackToVersionSeconds: (Date.now() - signalAt) / 1000 } : {}) };
}

/**
 * The catalog's, the memory's and the learner's counters (zeros before the learner exists),
 * with `before` added: steps taken before this process started.
 *
 * @example
 * Object.assign(status, countsOf(learner, { steps: 1200, skippedSteps: 0 }));
 */
export function countsOf(learner: Learner | undefined, before: { steps: number; skippedSteps: number }): Omit<LiveCounts, 'training'> {
  const memory = learner?.memory;
  return {
    catalogItems: learner?.catalog.size ?? 0,
    embeddableItems: learner?.catalog.countEmbeddable() ?? 0,
    labelledItems: memory?.labelledCount ?? 0,
    constraints: memory?.constraintCount ?? 0,
    classes: memory?.classCount ?? 0,
    heldOut: { items: memory?.heldOut.labelledCount ?? 0, constraints: memory?.heldOut.constraintCount ?? 0 },
    steps: before.steps + (learner?.builder.steps ?? 0),
    skippedSteps: before.skippedSteps + (learner?.builder.skippedSteps ?? 0),
  };
}
