import type * as tf from '@tensorflow/tfjs-core';
import type { CheckpointFolders, CheckpointStore } from '../core/checkpoint-store';
import type { TopicPartitionOffset } from '../core/queue';
import { listCheckpointVersions, loadCheckpoint, saveCheckpoint } from '../encoder/checkpoint/checkpoints';
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
 * The trainer's checkpoints in `store`: the encoder's atomic, versioned checkpoints
 * (`src/encoder/checkpoint`) with the trainer's consumed offsets and counters as their meta,
 * and the optimizer's state, so a restart resumes exactly where the last durable checkpoint
 * left off.
 *
 * @example
 * const checkpoints = createTrainerCheckpoints(createFsCheckpointStore('/data/trainer'));
 * const at = await checkpoints.save(encoder, optimizer, { offsets, step: 120, skippedSteps: 0, savedAt: new Date().toISOString() });
 * const restored = await checkpoints.loadLatest(tf.train.adam(1e-3)); // { encoder, meta, dir } or undefined
 */
export function createTrainerCheckpoints(store: CheckpointStore, options: { keep?: number } = {}) {
  /** Saves a version and returns the folder that holds it (what a model version stores as its checkpoint). */
  async function save(encoder: Encoder, optimizer: tf.Optimizer | undefined, meta: TrainerCheckpointMeta): Promise<string> {
    const version = await saveCheckpoint(store, encoder, { ...meta }, { optimizer, keep: options.keep ?? 2 });
    return store.folderOf(version);
  }

  /** The newest complete checkpoint, or undefined when there is none. Restores `optimizer` when given and saved. */
  async function loadLatest(optimizer?: tf.Optimizer): Promise<LoadedTrainerCheckpoint | undefined> {
    if ((await listCheckpointVersions(store)).length === 0) return undefined;
    const loaded = await loadCheckpoint(store, 'latest');
    if (optimizer && loaded.optimizerWeights && loaded.manifest.optimizer?.className === optimizer.getClassName()) {
      await optimizer.setWeights(loaded.optimizerWeights);
    }
    return { encoder: loaded.encoder, meta: loaded.meta as unknown as TrainerCheckpointMeta, dir: store.folderOf(loaded.version) };
  }

  return { save, loadLatest, store };
}

export type TrainerCheckpoints = ReturnType<typeof createTrainerCheckpoints>;

/**
 * Loads the encoder of one checkpoint version copied to a folder (e.g. the copy a model version
 * holds in the model store).
 *
 * @example
 * const encoder = await loadCheckpointCopy(fsCheckpointFolders, await modelStore.checkpointDir('v000004'));
 */
export async function loadCheckpointCopy(folders: CheckpointFolders, versionDir: string): Promise<Encoder> {
  return (await loadCheckpoint(folders.openCopy(versionDir), 'v000001')).encoder;
}
