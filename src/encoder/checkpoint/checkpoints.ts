import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { IncompleteCheckpointError, type CheckpointStore } from '../../core/checkpoint-store';
import { Encoder } from '../encoder';
import { parseEncoderConfig, type EncoderConfig } from '../config';
import { checkpointSaveHandler, readModelArtifacts } from './model-files';
// Registers the custom layers with the serialization map before any topology is read back.
import '../layers/input-normalization';
import '../layers/l2-normalize';

const FORMAT_VERSION = 1;

/** What a checkpoint records besides weights. `step` is required; anything JSON-serialisable may follow. */
export interface CheckpointMeta {
  step: number;
  [key: string]: unknown;
}

export interface CheckpointManifest {
  formatVersion: number;
  version: string;
  createdAt: string;
  config: EncoderConfig;
  meta: CheckpointMeta;
  /** Optimizer class and config when its state was saved. */
  optimizer?: { className: string; config: tf.serialization.ConfigDict; weightSpecs: tf.io.WeightsManifestEntry[] };
}

export interface SaveCheckpointOptions {
  /** Saves this optimizer's state (e.g. Adam moments) too. */
  optimizer?: tf.Optimizer;
  /** Complete checkpoints to keep, newest first (default 3). The `latest` one is always kept. */
  keep?: number;
}

export interface LoadedCheckpoint {
  version: string;
  encoder: Encoder;
  meta: CheckpointMeta;
  manifest: CheckpointManifest;
  /** Saved optimizer state, if any, in the order `optimizer.setWeights` expects. */
  optimizerWeights?: NamedTensor[];
}

/**
 * Saves `encoder` as the next version of `store` and makes it the latest. The store commits a
 * version only once every file is durable, so a crash at any point leaves the latest version
 * complete.
 *
 * @example
 * const version = await saveCheckpoint(createFsCheckpointStore('/var/lib/discern/trainer'), encoder, { step: 1200 }, { optimizer, keep: 5 });
 */
export async function saveCheckpoint(store: CheckpointStore, encoder: Encoder, meta: CheckpointMeta, options: SaveCheckpointOptions = {}): Promise<string> {
  if (!Number.isInteger(meta.step) || meta.step < 0) throw new Error(`saveCheckpoint: meta.step must be a non-negative integer, got ${String(meta.step)}`);
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`saveCheckpoint: keep must be a positive integer, got ${keep}`);
  const draft = await store.begin();
  await encoder.featureExtractor.save(checkpointSaveHandler(draft, 'feature-extractor'));
  await encoder.head.save(checkpointSaveHandler(draft, 'head'));

  const manifest: CheckpointManifest = { formatVersion: FORMAT_VERSION, version: draft.version, createdAt: new Date().toISOString(), config: encoder.config, meta };
  if (options.optimizer) {
    const named = await options.optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    await draft.writeFile('optimizer.bin', new Uint8Array(data));
    manifest.optimizer = { className: options.optimizer.getClassName(), config: options.optimizer.getConfig(), weightSpecs: specs };
  }
  await draft.commit(JSON.stringify(manifest, null, 2), { keep });
  return draft.version;
}

/**
 * Loads a checkpoint (default: the latest) into a new {@link Encoder}. When `optimizer` is
 * given, its state is restored too (the optimizer must be of the saved class and later receive
 * `encoder.trainableVariables()` in the same order).
 *
 * @example
 * const { encoder, meta } = await loadCheckpoint(createFsCheckpointStore('/var/lib/discern/trainer'));
 */
export async function loadCheckpoint(store: CheckpointStore, version = 'latest', options: { optimizer?: tf.Optimizer } = {}): Promise<LoadedCheckpoint> {
  const resolved = version === 'latest' ? await store.latest() : version;
  if (resolved === undefined) throw new Error(`loadCheckpoint: no checkpoint under ${store.location}`);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await store.readManifest(resolved)) as CheckpointManifest;
  } catch (error) {
    if (error instanceof IncompleteCheckpointError) throw new Error(`loadCheckpoint: ${error.message}`, { cause: error });
    throw new Error(`loadCheckpoint: ${resolved} of ${store.location} is not a complete checkpoint (${(error as Error).message})`, { cause: error });
  }
  const where = `${store.location} ${resolved}`;
  if (manifest.formatVersion !== FORMAT_VERSION) throw new Error(`loadCheckpoint: ${where} has format ${manifest.formatVersion}; this build reads ${FORMAT_VERSION}`);
  const config = parseEncoderConfig(manifest.config);
  const featureExtractor = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(store, resolved, 'feature-extractor')));
  const head = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(store, resolved, 'head')));
  const encoder = new Encoder(config, featureExtractor, head);

  let optimizerWeights: NamedTensor[] | undefined;
  if (manifest.optimizer) {
    const data = await store.readFile(resolved, 'optimizer.bin');
    const decoded = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer, manifest.optimizer.weightSpecs);
    optimizerWeights = manifest.optimizer.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] }));
    if (options.optimizer) {
      if (options.optimizer.getClassName() !== manifest.optimizer.className) {
        throw new Error(`loadCheckpoint: checkpoint holds ${manifest.optimizer.className} state, cannot restore into ${options.optimizer.getClassName()}`);
      }
      await options.optimizer.setWeights(optimizerWeights);
    }
  } else if (options.optimizer) {
    throw new Error(`loadCheckpoint: ${where} holds no optimizer state`);
  }
  return { version: resolved, encoder, meta: manifest.meta, manifest, optimizerWeights };
}

/**
 * Complete versions of `store`, oldest first.
 *
 * @example
 * const versions = await listCheckpointVersions(store); // ['v000003', 'v000004']
 */
export async function listCheckpointVersions(store: CheckpointStore): Promise<string[]> {
  return store.versions();
}
