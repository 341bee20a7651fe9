import { open, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { createLogger } from '../log/logger';
import { subsetDataset, type ImageDataset, type SubsetOptions } from './image-dataset';
import { resolveClassSelection } from './class-list';
import { plainImageProblem } from '../events/image-problem';

export interface ImageFolderOptions extends SubsetOptions {
  /** Target height; default: the height of the most common image size. */
  height?: number;
  /** Target width; default: the width of the most common image size. */
  width?: number;
  /** 1 (grayscale) or 3 (RGB); default 1 when every image is grayscale, else 3. */
  channels?: 1 | 3;
  /** What to do with a file that cannot be decoded (default `skip`, with a warning). */
  onInvalid?: 'skip' | 'fail';
  /** Images decoded at once (default 4). */
  concurrency?: number;
}

export interface SkippedImage {
  /** Path relative to the folder. */
  id: string;
  reason: string;
}

export interface ImageFolderDataset extends ImageDataset {
  ids: string[];
  /** Files that could not be decoded and were left out. */
  skipped: SkippedImage[];
}

const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg']);
const log = createLogger('data');

/**
 * Loads a folder with one sub-folder per class of PNG/JPEG images. Classes are the sub-folder
 * names in sorted order (label = position), files are taken in sorted order, so the same folder
 * always gives the same dataset. Every image is resized (stretched) to one size; transparent
 * areas become black. `classes` selects class ids before any decoding.
 *
 * @example
 * const ds = await loadImageFolder('photos/', { height: 64, width: 64, channels: 3 });
 * ds.ids[0]; // 'cat/0001.jpg'
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions = {}): Promise<ImageFolderDataset> {
  const onInvalid = options.onInvalid ?? 'skip';
  if (onInvalid !== 'skip' && onInvalid !== 'fail') throw new Error(`onInvalid must be 'skip' or 'fail', got ${String(onInvalid)}`);
  if (options.channels !== undefined && options.channels !== 1 && options.channels !== 3) {
    throw new Error(`channels must be 1 or 3, got ${options.channels}`);
  }
  for (const name of ['height', 'width'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new Error(`${name} must be a positive integer, got ${value}`);
  }
  const concurrency = options.concurrency ?? 4;

  const classNames = await listClassFolders(dir);
  const wanted = options.classes === undefined ? undefined : new Set(resolveClassSelection(options.classes, classNames));

  const files: { id: string; path: string; label: number }[] = [];
  for (const [label, className] of classNames.entries()) {
    if (wanted !== undefined && !wanted.has(label)) continue;
    const names = (await readdir(join(dir, className), { withFileTypes: true }))
      .filter((entry) => entry.isFile() && IMAGE_EXTENSIONS.has(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort();
    for (const name of names) files.push({ id: `${className}/${name}`, path: join(dir, className, name), label });
  }

  const skipped: SkippedImage[] = [];
  const reject = async (id: string, error: unknown) => {
    // The library's wording ("VipsJpeg: premature end of…") helps nobody; say what the file is.
    const reason = error instanceof PlainError ? error.message : `image ${plainImageProblem(await readHead(join(dir, id)))}`;
    if (onInvalid === 'fail') throw new Error(`data: cannot decode ${join(dir, id)}: ${reason}`);
    log.warn({ file: join(dir, id), reason }, 'skipping undecodable image');
    skipped.push({ id, reason });
  };

  const metadata = await mapLimit(files, concurrency, async (file) => {
    try {
      const meta = await sharp(file.path).metadata();
      if (!meta.width || !meta.height) throw new PlainError('image has no width or height');
      return { width: meta.width, height: meta.height, gray: (meta.channels ?? 3) <= 2 };
    } catch (error) {
      await reject(file.id, error);
      return undefined;
    }
  });
  const readable = files.filter((_, i) => metadata[i] !== undefined);
  const sizes = metadata.filter((m) => m !== undefined);
  if (readable.length === 0) throw new Error(`data: ${dir} holds no decodable PNG/JPEG images`);
  const common = mostCommonSize(sizes);
  const height = options.height ?? common.height;
  const width = options.width ?? common.width;
  const decodedChannels = options.channels ?? (sizes.every((m) => m.gray) ? 1 : 3);
  const decodedSize = height * width * decodedChannels;

  const pixels = await mapLimit(readable, concurrency, async (file) => {
    try {
      let pipeline = sharp(file.path).flatten({ background: '#000000' }).resize(width, height, { fit: 'fill' });
      pipeline = decodedChannels === 1 ? pipeline.grayscale() : pipeline.toColourspace('srgb');
      const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
      if (data.length !== decodedSize) throw new PlainError(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×${decodedChannels}`);
      return data;
    } catch (error) {
      await reject(file.id, error);
      return undefined;
    }
  });

  // Many tools save greyscale images as RGB or palette PNGs; when every pixel of every image has
  // R = G = B, the folder is greyscale and loads with one channel, as greyscale files do.
  const grey = options.channels === undefined && decodedChannels === 3 && pixels.every((data) => data === undefined || isGreyRgb(data));
  const channels = grey ? 1 : decodedChannels;
  const size = height * width * channels;
  const kept = readable.filter((_, i) => pixels[i] !== undefined);
  const images = new Uint8Array(kept.length * size);
  let offset = 0;
  for (const data of pixels) {
    if (data === undefined) continue;
    images.set(grey ? firstOfThree(data) : data, offset);
    offset += size;
  }
  const dataset: ImageDataset = {
    images,
    labels: Int32Array.from(kept, (file) => file.label),
    height,
    width,
    channels,
    classNames,
    ids: kept.map((file) => file.id),
  };
  const subset = subsetDataset(dataset, { perClassLimit: options.perClassLimit, limit: options.limit });
  return { ...subset, ids: subset.ids!, skipped };
}

function mostCommonSize(sizes: { width: number; height: number }[]): { width: number; height: number } {
  const counts = new Map<string, number>();
  let best = sizes[0];
  let bestCount = 0;
  for (const size of sizes) {
    const key = `${size.width}x${size.height}`;
    const count = (counts.get(key) ?? 0) + 1;
    counts.set(key, count);
    if (count > bestCount) {
      bestCount = count;
      best = size;
    }
  }
  return best;
}

/** `items.map(fn)` with at most `limit` calls in flight, results in input order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A folder's class names: its sub-folders (hidden ones aside), sorted; class id `i` is the
 * `i`-th name.
 *
 * @example
 * await listClassFolders('photos/train'); // ['cats', 'dogs']
 */
export async function listClassFolders(dir: string): Promise<string[]> {
  const classNames = (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
  if (classNames.length === 0) throw new Error(`data: ${dir} has no class sub-folders (expected one folder of images per class)`);
  return classNames;
}

/** An error whose message is already in plain words. */
class PlainError extends Error {}

/** The first bytes of a file, enough to tell its format. */
async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = new Uint8Array(16);
    const { bytesRead } = await file.read(head, 0, 16, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Whether interleaved RGB bytes hold the same value in all three channels of every pixel. */
function isGreyRgb(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i += 3) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) return false;
  return true;
}

/** The first channel of interleaved RGB bytes. */
function firstOfThree(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = data[i * 3];
  return out;
}
