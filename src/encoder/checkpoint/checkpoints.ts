import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import writeFileAtomic from 'write-file-atomic';
import type { NamedTensor } from '@tensorflow/tfjs-core/dist/tensor_types';
import { Encoder } from '../encoder';
import { parseEncoderConfig, type EncoderConfig } from '../config';
import { fsSaveHandler, readModelArtifacts } from './fs-model-handler';
import { syncDirectory, writeFileSynced } from '../../store/checkpoint-fs/durable-fs';
// Registers the custom layers with the serialization map before any topology is read back.
import '../layers/input-normalization';
import '../layers/l2-normalize';

const FORMAT_VERSION = 1;
const MANIFEST = 'checkpoint.json';
const LATEST = 'latest';
const TEMP_PREFIX = '.tmp-';
const VERSION_PATTERN = /^v\d{6,}$/;

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

/** `dir/checkpoints`, where versions and the `latest` pointer live. */
export function checkpointsRoot(dir: string): string {
  return path.join(dir, 'checkpoints');
}

/**
 * Saves `encoder` as a new version `dir/checkpoints/vNNNNNN/` and points `latest` at it.
 * Files are written into a temporary sibling directory, fsync'd, and the directory is renamed
 * into place; only then is `latest` replaced (atomically, via write-file-atomic). A crash at
 * any point leaves `latest` naming a complete checkpoint; leftover temporary directories are
 * removed by the next save and never read. One writer per `dir` is assumed.
 *
 * @example
 * const version = await saveCheckpoint('/var/lib/discern/trainer', encoder, { step: 1200 }, { optimizer, keep: 5 });
 */
export async function saveCheckpoint(dir: string, encoder: Encoder, meta: CheckpointMeta, options: SaveCheckpointOptions = {}): Promise<string> {
  if (!Number.isInteger(meta.step) || meta.step < 0) throw new Error(`saveCheckpoint: meta.step must be a non-negative integer, got ${String(meta.step)}`);
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`saveCheckpoint: keep must be a positive integer, got ${keep}`);
  const root = checkpointsRoot(dir);
  await fs.mkdir(root, { recursive: true });
  await removeTempDirs(root);

  const versions = await listCheckpointVersions(dir, { includeIncomplete: true });
  const next = versions.length === 0 ? 1 : Number(versions[versions.length - 1].slice(1)) + 1;
  const version = `v${String(next).padStart(6, '0')}`;
  const temp = path.join(root, `${TEMP_PREFIX}${version}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(temp);

  await encoder.featureExtractor.save(fsSaveHandler(path.join(temp, 'feature-extractor')));
  await encoder.head.save(fsSaveHandler(path.join(temp, 'head')));
  await syncDirectory(path.join(temp, 'feature-extractor'));
  await syncDirectory(path.join(temp, 'head'));

  const manifest: CheckpointManifest = { formatVersion: FORMAT_VERSION, version, createdAt: new Date().toISOString(), config: encoder.config, meta };
  if (options.optimizer) {
    const named = await options.optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    await writeFileSynced(path.join(temp, 'optimizer.bin'), new Uint8Array(data));
    manifest.optimizer = { className: options.optimizer.getClassName(), config: options.optimizer.getConfig(), weightSpecs: specs };
  }
  // The manifest goes last: a directory without it is incomplete by definition.
  await writeFileSynced(path.join(temp, MANIFEST), JSON.stringify(manifest, null, 2));
  await syncDirectory(temp);

  await fs.rename(temp, path.join(root, version));
  await syncDirectory(root);
  await writeFileAtomic(path.join(root, LATEST), `${version}\n`, { fsync: true });
  await syncDirectory(root);

  await pruneCheckpoints(root, keep, version);
  return version;
}

/**
 * Loads a checkpoint (default: the one `latest` names) into a new {@link Encoder}. When
 * `optimizer` is given, its state is restored too (the optimizer must be of the saved class
 * and later receive `encoder.trainableVariables()` in the same order).
 *
 * @example
 * const { encoder, meta } = await loadCheckpoint('/var/lib/discern/trainer');
 */
export async function loadCheckpoint(dir: string, version = 'latest', options: { optimizer?: tf.Optimizer } = {}): Promise<LoadedCheckpoint> {
  const root = checkpointsRoot(dir);
  const resolved = version === LATEST ? await resolveLatest(dir) : version;
  if (!VERSION_PATTERN.test(resolved)) throw new Error(`loadCheckpoint: version must look like v000001 or be 'latest', got '${resolved}'`);
  const versionDir = path.join(root, resolved);
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(versionDir, MANIFEST), 'utf8')) as CheckpointManifest;
  } catch (error) {
    throw new Error(`loadCheckpoint: ${versionDir} is not a complete checkpoint (${(error as Error).message})`, { cause: error });
  }
  if (manifest.formatVersion !== FORMAT_VERSION) throw new Error(`loadCheckpoint: ${versionDir} has format ${manifest.formatVersion}; this build reads ${FORMAT_VERSION}`);
  const config = parseEncoderConfig(manifest.config);
  const featureExtractor = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(path.join(versionDir, 'feature-extractor'))));
  const head = await tfl.loadLayersModel(tf.io.fromMemory(await readModelArtifacts(path.join(versionDir, 'head'))));
  const encoder = new Encoder(config, featureExtractor, head);

  let optimizerWeights: NamedTensor[] | undefined;
  if (manifest.optimizer) {
    const data = await fs.readFile(path.join(versionDir, 'optimizer.bin'));
    const decoded = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), manifest.optimizer.weightSpecs);
    optimizerWeights = manifest.optimizer.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name] }));
    if (options.optimizer) {
      if (options.optimizer.getClassName() !== manifest.optimizer.className) {
        throw new Error(`loadCheckpoint: checkpoint holds ${manifest.optimizer.className} state, cannot restore into ${options.optimizer.getClassName()}`);
      }
      await options.optimizer.setWeights(optimizerWeights);
    }
  } else if (options.optimizer) {
    throw new Error(`loadCheckpoint: ${versionDir} holds no optimizer state`);
  }
  return { version: resolved, encoder, meta: manifest.meta, manifest, optimizerWeights };
}

/**
 * Versions under `dir/checkpoints`, oldest first. Only complete ones (with a manifest) unless
 * `includeIncomplete`; temporary directories of interrupted saves are never listed.
 *
 * @example
 * const versions = await listCheckpointVersions(dir); // ['v000003', 'v000004']
 */
export async function listCheckpointVersions(dir: string, options: { includeIncomplete?: boolean } = {}): Promise<string[]> {
  const root = checkpointsRoot(dir);
  let entries: string[];
  try {
    entries = await fs.readdir(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const versions = entries.filter((e) => VERSION_PATTERN.test(e)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  if (options.includeIncomplete) return versions;
  const complete = await Promise.all(versions.map((v) => exists(path.join(root, v, MANIFEST))));
  return versions.filter((_, i) => complete[i]);
}

async function resolveLatest(dir: string): Promise<string> {
  const root = checkpointsRoot(dir);
  try {
    return (await fs.readFile(path.join(root, LATEST), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  // A crash between the rename and the pointer update leaves a complete version unnamed.
  const versions = await listCheckpointVersions(dir);
  if (versions.length === 0) throw new Error(`loadCheckpoint: no checkpoint under ${root}`);
  return versions[versions.length - 1];
}

async function removeTempDirs(root: string): Promise<void> {
  const entries = await fs.readdir(root);
  await Promise.all(entries.filter((e) => e.startsWith(TEMP_PREFIX)).map((e) => fs.rm(path.join(root, e), { recursive: true, force: true })));
}

async function pruneCheckpoints(root: string, keep: number, latest: string): Promise<void> {
  const entries = (await fs.readdir(root)).filter((e) => VERSION_PATTERN.test(e)).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const doomed = entries.slice(0, Math.max(0, entries.length - keep)).filter((v) => v !== latest);
  await Promise.all(doomed.map((v) => fs.rm(path.join(root, v), { recursive: true, force: true })));
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}
