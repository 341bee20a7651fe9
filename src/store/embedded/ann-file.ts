import { createReadStream } from 'node:fs';
import { open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import writeFileAtomic from 'write-file-atomic';
import type { AnnIndex } from './ann-index';
import { syncDirectory } from './segment-log';

/**
 * What an index file covers. `records` is the collection's segment-log frame count when the
 * graph held exactly the table's points: frames from that ordinal on were written after the save
 * and must be folded in again. Compaction renumbers the frames, so it removes the file first.
 */
export interface AnnFileMeta {
  format: 1;
  /** The graph's file name, next to `ann.json`. */
  file: string;
  bytes: number;
  crc32: number;
  records: number;
  /** recall@10 the audit measured when the graph was built. */
  recall: number;
  /** HNSW degree the graph was built with: a different setting means a rebuild. */
  connectivity: number;
  /** The id each graph key stands for (`null`: removed). */
  keys: (string | null)[];
}

const META = 'ann.json';
const GRAPH_PREFIX = 'ann-';
const GRAPH_SUFFIX = '.usearch';

/**
 * Saves `index` (which must hold exactly the table's points) into the collection directory `dir`:
 * the graph goes to a new file, then `commitAnnFile` makes it the collection's saved index.
 * Returns the bytes written.
 *
 * @example
 * await saveAnnFile('/data/collections/catalog_v000002', ann, { records: 70_000, recall: 0.99, connectivity: 16 });
 */
export async function saveAnnFile(dir: string, index: AnnIndex, covers: AnnFileCovers): Promise<number> {
  const tmp = annGraphTempPath(dir);
  // Synchronous on purpose: the graph must not change between its bytes and its key list.
  const keys = index.save(tmp);
  return commitAnnFile(dir, tmp, keys, covers);
}

/** What a saved graph covers, besides its keys. */
export interface AnnFileCovers {
  records: number;
  recall: number;
  connectivity: number;
}

/**
 * A fresh path in `dir` for a graph file not yet committed (a leftover one is removed by the next
 * save of the collection's index).
 *
 * @example
 * const tmp = annGraphTempPath(dir); // <dir>/.ann-lx2k3-9f1c0a2b.usearch.tmp
 */
export function annGraphTempPath(dir: string): string {
  return join(dir, `.${GRAPH_PREFIX}${Date.now().toString(36)}-${randomBytes(4).toString('hex')}${GRAPH_SUFFIX}.tmp`);
}

/**
 * Makes the graph usearch wrote to `tmp` (see `annGraphTempPath`), whose keys stand for `keys`,
 * the saved index of the collection in `dir`: it is fsync'd and renamed into place, then
 * `ann.json` names it (written atomically), then older graph files go. A crash at any point
 * leaves either the old pair or the new one. Returns the bytes of the graph.
 *
 * @example
 * const keys = index.save(tmp);
 * await commitAnnFile(dir, tmp, keys, { records: 70_000, recall: 0.99, connectivity: 16 });
 */
export async function commitAnnFile(dir: string, tmp: string, keys: (string | null)[], covers: AnnFileCovers): Promise<number> {
  const file = basename(tmp).slice(1, -'.tmp'.length);
  const { bytes, checksum } = await fileCrc32(tmp);
  const handle = await open(tmp, 'r+');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(tmp, join(dir, file));
  const meta: AnnFileMeta = { format: 1, file, bytes, crc32: checksum, keys, ...covers };
  await writeFileAtomic(join(dir, META), JSON.stringify(meta), { fsync: true });
  await syncDirectory(dir);
  await removeGraphFilesExcept(dir, file);
  return bytes;
}

/**
 * The file's size and CRC-32, read chunk by chunk: a checksum of a whole 70k-point graph in one
 * call would hold the event loop (and every search waiting on it) for tens of milliseconds.
 */
async function fileCrc32(path: string): Promise<{ bytes: number; checksum: number }> {
  let bytes = 0;
  let checksum = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    checksum = crc32(chunk as Buffer, checksum);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, checksum };
}

/**
 * Reads and checks `ann.json` and the graph it names. Undefined when there is none; throws
 * when they do not match (a truncated or corrupt file), naming what is wrong.
 *
 * @example
 * const saved = await readAnnFile(dir); // { meta, path } | undefined
 */
export async function readAnnFile(dir: string): Promise<{ meta: AnnFileMeta; path: string } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, META), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const meta = JSON.parse(text) as AnnFileMeta;
  if (meta.format !== 1 || typeof meta.file !== 'string' || !Array.isArray(meta.keys) || !Number.isInteger(meta.records)) {
    throw new Error(`${META}: unknown format`);
  }
  const path = join(dir, meta.file);
  const size = (await stat(path)).size;
  if (size !== meta.bytes) throw new Error(`${meta.file}: ${size} bytes, ${META} says ${meta.bytes}`);
  if (crc32(await readFile(path)) !== meta.crc32) throw new Error(`${meta.file}: checksum mismatch`);
  return { meta, path };
}

/**
 * Forgets the saved index of the collection in `dir` (before its log is renumbered, or when the
 * file proved unusable).
 *
 * @example
 * await removeAnnFile(dir);
 */
export async function removeAnnFile(dir: string): Promise<void> {
  await rm(join(dir, META), { force: true });
  await syncDirectory(dir);
  await removeGraphFilesExcept(dir, undefined);
}

async function removeGraphFilesExcept(dir: string, keep: string | undefined): Promise<void> {
  for (const name of await readdir(dir)) {
    const graph = name.startsWith(GRAPH_PREFIX) || name.startsWith(`.${GRAPH_PREFIX}`);
    if (graph && name !== keep && name !== META) await rm(join(dir, name), { force: true });
  }
}
