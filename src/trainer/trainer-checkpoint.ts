import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import type { TopicPartitionOffset } from '../core/queue';
import { checkpointsRoot, listCheckpointVersions, loadCheckpoint, saveCheckpoint } from '../encoder/checkpoint/checkpoints';
import type { Encoder } from '../encoder/encoder';

/** What a trainer checkpoint records besides the weights. */
export interface TrainerCheckpointMeta {
  /** Next offset to read per topic partition: every record below it is reflected in the weights and state. */
  offsets: TopicPartitionOffset[];
  step: number;
  skippedSteps: number;
  /** Live model version when the checkpoint was taken. */
  modelVersion?: string;
  savedAt: string;
}

export interface LoadedTrainerCheckpoint {
  encoder: Encoder;
  meta: TrainerCheckpointMeta;
  /** Directory of this checkpoint version (what a model version stores as its checkpoint). */
  dir: string;
}

/**
 * The trainer's checkpoints in `dir`: the encoder's atomic, versioned checkpoints
 * (`src/encoder/checkpoint`) with the trainer's consumed offsets and counters as their meta,
 * and the optimizer's state, so a restart resumes exactly where the last durable checkpoint
 * left off.
 *
 * @example
 * const checkpoints = createTrainerCheckpoints('/data/trainer');
 * const at = await checkpoints.save(encoder, optimizer, { offsets, step: 120, skippedSteps: 0, savedAt: new Date().toISOString() });
 * const restored = await checkpoints.loadLatest(tf.train.adam(1e-3)); // { encoder, meta, dir } or undefined
 */
export function createTrainerCheckpoints(dir: string, options: { keep?: number } = {}) {
  async function save(encoder: Encoder, optimizer: tf.Optimizer | undefined, meta: TrainerCheckpointMeta): Promise<string> {
    const version = await saveCheckpoint(dir, encoder, { ...meta }, { optimizer, keep: options.keep ?? 2 });
    return join(checkpointsRoot(dir), version);
  }

  /** The newest complete checkpoint, or undefined when there is none. Restores `optimizer` when given and saved. */
  async function loadLatest(optimizer?: tf.Optimizer): Promise<LoadedTrainerCheckpoint | undefined> {
    if ((await listCheckpointVersions(dir)).length === 0) return undefined;
    const loaded = await loadCheckpoint(dir, 'latest');
    if (optimizer && loaded.optimizerWeights && loaded.manifest.optimizer?.className === optimizer.getClassName()) {
      await optimizer.setWeights(loaded.optimizerWeights);
    }
    return { encoder: loaded.encoder, meta: loaded.meta as unknown as TrainerCheckpointMeta, dir: join(checkpointsRoot(dir), loaded.version) };
  }

  return { save, loadLatest, dir };
}

export type TrainerCheckpoints = ReturnType<typeof createTrainerCheckpoints>;

/**
 * Loads the encoder of one checkpoint version directory (e.g. the copy a model version holds
 * in the model store).
 *
 * @example
 * const encoder = await loadCheckpointDir(await modelStore.checkpointDir('v000004'));
 */
export async function loadCheckpointDir(versionDir: string): Promise<Encoder> {
  // loadCheckpoint reads `<root>/checkpoints/<version>`; a stored copy is mounted in that layout.
  const root = await mkdtemp(join(tmpdir(), 'discern-checkpoint-'));
  try {
    await cp(versionDir, join(checkpointsRoot(root), 'v000001'), { recursive: true });
    return (await loadCheckpoint(root, 'v000001')).encoder;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
