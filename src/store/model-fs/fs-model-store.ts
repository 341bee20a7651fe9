import { randomBytes } from 'node:crypto';
import { cp, mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelStoreError, type ModelStore, type ModelVersionInfo } from '../../core/model-store';
import { MODEL_VERSION_ID_PATTERN } from './model-version-id';

export interface FsModelStoreOptions {
  /** Data directory; versions live in `<dir>/models/<id>/`. */
  dir: string;
}

const ID_PATTERN = MODEL_VERSION_ID_PATTERN;
/** Unfinished writes older than this belong to a crashed writer, not a slow one. */
const STALE_MS = 60 * 60 * 1000;

/**
 * A `ModelStore` on the local filesystem: `<dir>/models/<id>/{model.onnx, info.json,
 * checkpoint/}`. A version is written and fsync'd in a hidden temp directory and then renamed
 * into place, so readers see all of it or none of it; versions are immutable.
 *
 * @example
 * const models = createFsModelStore({ dir: '.data' });
 * const id = nextModelVersionId((await models.list()).map((v) => v.id));
 * await models.put({ id, createdAt: new Date().toISOString(), step, embeddingDim: 128, input: { features: 512 } }, onnxBytes, checkpointDir);
 */
export function createFsModelStore(options: FsModelStoreOptions): ModelStore {
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw new ModelStoreError('dir: must be a non-empty path', 'invalid_argument', 'dir');
  }
  const root = join(options.dir, 'models');

  function versionDir(id: string, field = 'id'): string {
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) throw new ModelStoreError(`${field}: must match ${ID_PATTERN} (got ${JSON.stringify(id)})`, 'invalid_argument', field);
    return join(root, id);
  }

  async function put(info: ModelVersionInfo, onnx: Uint8Array, checkpointDir?: string): Promise<void> {
    assertInfo(info);
    const finalDir = versionDir(info.id, 'info.id');
    if (!(onnx instanceof Uint8Array) || onnx.length === 0) throw new ModelStoreError('onnx: must be a non-empty Uint8Array', 'invalid_argument', 'onnx');
    if (checkpointDir !== undefined && !(await isDirectory(checkpointDir))) {
      throw new ModelStoreError(`checkpointDir: ${checkpointDir} is not a directory`, 'invalid_argument', 'checkpointDir');
    }
    if (await exists(finalDir)) throw new ModelStoreError(`info.id: model version ${info.id} already exists`, 'conflict', 'info.id');
    await mkdir(root, { recursive: true });
    const tmpDir = join(root, `.tmp-${info.id}-${randomBytes(4).toString('hex')}`);
    await mkdir(tmpDir);
    try {
      await writeDurably(join(tmpDir, 'model.onnx'), onnx);
      await writeDurably(join(tmpDir, 'info.json'), `${JSON.stringify(info, null, 2)}\n`);
      if (checkpointDir !== undefined) await cp(checkpointDir, join(tmpDir, 'checkpoint'), { recursive: true });
      await syncTree(tmpDir);
      await rename(tmpDir, finalDir).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOTEMPTY' || error.code === 'EEXIST') {
          throw new ModelStoreError(`info.id: model version ${info.id} already exists`, 'conflict', 'info.id', { cause: error });
        }
        throw error;
      });
      await syncPath(root);
    } catch (error) {
      await rm(tmpDir, { recursive: true, force: true });
      throw error;
    }
  }

  async function get(id: string): Promise<ModelVersionInfo | undefined> {
    const dir = versionDir(id);
    try {
      return JSON.parse(await readFile(join(dir, 'info.json'), 'utf8')) as ModelVersionInfo;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async function onnx(id: string): Promise<Uint8Array> {
    const dir = versionDir(id);
    try {
      return new Uint8Array(await readFile(join(dir, 'model.onnx')));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ModelStoreError(`id: model version ${id} not found`, 'not_found', 'id', { cause: error });
      throw error;
    }
  }

  async function checkpointDir(id: string): Promise<string | undefined> {
    const dir = join(versionDir(id), 'checkpoint');
    return (await isDirectory(dir)) ? dir : undefined;
  }

  async function list(): Promise<ModelVersionInfo[]> {
    let entries: string[];
    try {
      entries = await readdir(root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    await removeStaleLeftovers(root, entries.filter((e) => e.startsWith('.')));
    const ids = entries.filter((e) => !e.startsWith('.') && ID_PATTERN.test(e)).sort();
    const infos = await Promise.all(ids.map(get));
    return infos.filter((info): info is ModelVersionInfo => info !== undefined);
  }

  async function remove(id: string): Promise<void> {
    const dir = versionDir(id);
    if (!(await exists(dir))) return;
    const trash = join(root, `.trash-${id}-${randomBytes(4).toString('hex')}`);
    await rename(dir, trash);
    await syncPath(root);
    await rm(trash, { recursive: true, force: true });
  }

  return { put, get, onnx, checkpointDir, list, delete: remove };
}

function assertInfo(info: ModelVersionInfo): void {
  const bad = (field: string, message: string) => new ModelStoreError(`${field}: ${message}`, 'invalid_argument', field);
  if (info === null || typeof info !== 'object') throw bad('info', 'must be an object');
  if (typeof info.createdAt !== 'string' || Number.isNaN(Date.parse(info.createdAt))) throw bad('info.createdAt', 'must be an ISO date string');
  if (!Number.isInteger(info.step) || info.step < 0) throw bad('info.step', `must be a non-negative integer (got ${info.step})`);
  if (!Number.isInteger(info.embeddingDim) || info.embeddingDim < 1) throw bad('info.embeddingDim', `must be a positive integer (got ${info.embeddingDim})`);
  if (info.input === null || typeof info.input !== 'object') throw bad('info.input', 'must be an object of numbers');
  for (const [key, value] of Object.entries(info.input)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`info.input.${key}`, 'must be a finite number');
  }
  for (const [key, value] of Object.entries(info.metrics ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw bad(`info.metrics.${key}`, 'must be a finite number');
  }
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs every file and directory under `dir` (checkpoint files were copied without it). */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) await syncPath(path);
  }
  await syncPath(dir);
}

async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeStaleLeftovers(root: string, names: string[]): Promise<void> {
  for (const name of names) {
    if (!name.startsWith('.tmp-') && !name.startsWith('.trash-')) continue;
    const path = join(root, name);
    const info = await stat(path).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > STALE_MS) await rm(path, { recursive: true, force: true });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
