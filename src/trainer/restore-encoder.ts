import type * as tf from '@tensorflow/tfjs-core';
import type { ModelStore } from '../core/model-store';
import type { EncoderConfigInput } from '../encoder/config';
import { createEncoder, type Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import { versionNumber } from './publisher';
import type { CheckpointFolders } from '../core/checkpoint-store';
import { loadCheckpointCopy, type createTrainerCheckpoints, type TrainerCheckpointMeta } from './trainer-checkpoint';

/** The encoder a trainer resumes with, and the checkpoint it came from (if any). */
export interface RestoredEncoder {
  encoder: Encoder;
  /** The trainer checkpoint loaded (weights, optimizer state and offsets), if there was one. */
  checkpoint?: { dir: string; meta: TrainerCheckpointMeta };
  /** Steps taken before this process (and of those, the skipped ones). */
  steps: number;
  skippedSteps: number;
}

/**
 * Restores what a trainer resumes from: its newest checkpoint (weights, `optimizer` state and
 * offsets), else the newest stored model version that kept its checkpoint, else a fresh
 * encoder built from `encoderConfig`.
 *
 * @example
 * const { encoder, checkpoint } = await restoreEncoder({ checkpoints, checkpointFolders, modelStore, optimizer, encoderConfig, log });
 */
export async function restoreEncoder(options: {
  checkpoints: ReturnType<typeof createTrainerCheckpoints>;
  /** Reads the checkpoint copy a model version keeps. */
  checkpointFolders: CheckpointFolders;
  modelStore: ModelStore;
  optimizer: tf.Optimizer;
  encoderConfig: EncoderConfigInput;
  log: Logger;
}): Promise<RestoredEncoder> {
  const { checkpoints, modelStore, optimizer, log } = options;
  const saved = await checkpoints.loadLatest(optimizer);
  if (saved) {
    log.info({ dir: saved.dir, step: saved.meta.step, offsets: saved.meta.offsets }, 'restored trainer checkpoint');
    return { encoder: saved.encoder, checkpoint: { dir: saved.dir, meta: saved.meta }, steps: saved.meta.step, skippedSteps: saved.meta.skippedSteps };
  }
  const versions = (await modelStore.list()).sort((a, b) => versionNumber(b.id) - versionNumber(a.id));
  for (const v of versions) {
    const dir = await modelStore.checkpointDir(v.id);
    if (!dir) continue;
    log.info({ version: v.id, step: v.step }, 'no trainer checkpoint; starting from the newest stored model version');
    return { encoder: await loadCheckpointCopy(options.checkpointFolders, dir), steps: v.step, skippedSteps: 0 };
  }
  const encoder = createEncoder(options.encoderConfig);
  log.info({ encoder: encoder.config.kind, dim: encoder.dim, input: encoder.inputShape }, 'no checkpoint or model version; created a fresh encoder');
  return { encoder, steps: 0, skippedSteps: 0 };
}
