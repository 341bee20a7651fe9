import type * as tf from '@tensorflow/tfjs-core';
import type { QueueConsumer } from '../core/queue';
import type { Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import type { ReplayTracker } from './replay-tracker';
import type { TrainerCheckpointMeta, TrainerCheckpoints } from './trainer-checkpoint';
import type { TrainerMetrics } from './trainer-metrics';
import type { TrainerStatus } from './trainer-status';

export interface TrainerCheckpointingDeps {
  checkpoints: TrainerCheckpoints;
  replay: ReplayTracker;
  consumer: () => QueueConsumer;
  /** Checkpoint at most this often while anything changed (ms). */
  everyMs: number;
  /** Where `checkpoint` goes. */
  status: TrainerStatus;
  metrics: TrainerMetrics;
  log: Logger;
}

/**
 * The trainer's durable checkpoints: weights, optimizer state and the next offsets of
 * everything applied are saved together, and only then are the offsets committed, so a crash
 * never skips a record. `due()` says when one is owed (something changed and `everyMs` passed).
 *
 * @example
 * const checkpointing = createTrainerCheckpointing({ checkpoints, replay, consumer: () => consumer, everyMs: 5000, status, metrics, log });
 * checkpointing.trained(steps);
 * if (checkpointing.due(Date.now())) await checkpointing.save(encoder, optimizer, { step, skippedSteps, modelVersion });
 */
export function createTrainerCheckpointing(deps: TrainerCheckpointingDeps) {
  const { checkpoints, replay, status, metrics, log } = deps;
  let stepsSinceCheckpoint = 0;
  let lastCheckpointAt = Date.now();
  return {
    /** `steps` more steps changed the weights. */
    trained(steps: number): void {
      stepsSinceCheckpoint += steps;
    },

    due(now: number): boolean {
      if (now - lastCheckpointAt < deps.everyMs) return false;
      return stepsSinceCheckpoint > 0 || replay.hasUncheckpointed();
    },

    /** Saves weights + offsets durably, then commits the offsets; returns the checkpoint dir. */
    async save(encoder: Encoder, optimizer: tf.Optimizer, counters: Pick<TrainerCheckpointMeta, 'step' | 'skippedSteps' | 'modelVersion'>): Promise<string> {
      const offsets = replay.offsetsToCheckpoint();
      const meta: TrainerCheckpointMeta = { offsets, ...counters, savedAt: new Date().toISOString() };
      const dir = await checkpoints.save(encoder, optimizer, meta);
      // Only now is every record below these offsets safe to skip for training after a crash.
      if (offsets.length > 0) await deps.consumer().commit(offsets);
      replay.checkpointedAt(offsets);
      stepsSinceCheckpoint = 0;
      lastCheckpointAt = Date.now();
      status.checkpoint = { dir, step: meta.step, savedAt: meta.savedAt, offsets };
      try {
        const lag = await deps.consumer().lag();
        for (const [topic, value] of Object.entries(lag)) metrics.lag.set({ topic }, value);
      } catch (error) {
        log.debug({ err: error }, 'could not read consumer lag');
      }
      return dir;
    },
  };
}
