import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../log/logger';
import { readIdxFile } from './idx-file';
import { subsetDataset, type ImageDataset, type SubsetOptions } from './image-dataset';

/** Where the Debian/Ubuntu package `dataset-fashion-mnist` installs the files. */
export const DEFAULT_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

export type DatasetSplit = 'train' | 'test';

export interface FashionMnistOptions extends SubsetOptions {
  split: DatasetSplit;
  /** Folder with the IDX files (default: `FASHION_MNIST_DIR`, else the Debian package folder). */
  dir?: string;
}

const FILE_PREFIX: Record<DatasetSplit, string> = { train: 'train', test: 't10k' };
const decoded = new Map<string, Promise<ImageDataset>>();
const log = createLogger('data');

/**
 * Fashion-MNIST (28×28 grayscale, 10 classes) from its IDX files, gzip-compressed or plain.
 * Each split is decoded once per process; later calls reuse it (treat the buffers as read-only).
 *
 * @example
 * const test = await loadFashionMnist({ split: 'test', classes: [5, 6, 7, 8, 9] }); // 5,000 items, labels 5–9
 */
export async function loadFashionMnist(options: FashionMnistOptions): Promise<ImageDataset> {
  const { split } = options;
  if (split !== 'train' && split !== 'test') throw new Error(`split must be 'train' or 'test', got ${String(split)}`);
  const dir = options.dir ?? process.env.FASHION_MNIST_DIR ?? DEFAULT_FASHION_MNIST_DIR;
  const imagesPath = findFile(dir, `${FILE_PREFIX[split]}-images-idx3-ubyte`);
  const labelsPath = findFile(dir, `${FILE_PREFIX[split]}-labels-idx1-ubyte`);
  if (imagesPath === undefined || labelsPath === undefined) {
    throw new Error(
      `Fashion-MNIST ${split} files not found in ${dir} (looked for ${FILE_PREFIX[split]}-images-idx3-ubyte[.gz] and ` +
        `${FILE_PREFIX[split]}-labels-idx1-ubyte[.gz]). Install them with \`apt-get install dataset-fashion-mnist\`, ` +
        'or set FASHION_MNIST_DIR to a folder holding the IDX files.',
    );
  }
  const key = `${imagesPath}\n${labelsPath}`;
  let full = decoded.get(key);
  if (full === undefined) {
    full = decode(imagesPath, labelsPath);
    decoded.set(key, full);
    full.catch(() => decoded.delete(key));
  }
  return { ...subsetDataset(await full, options) };
}

function findFile(dir: string, name: string): string | undefined {
  for (const candidate of [join(dir, `${name}.gz`), join(dir, name)]) if (existsSync(candidate)) return candidate;
  return undefined;
}

async function decode(imagesPath: string, labelsPath: string): Promise<ImageDataset> {
  const started = Date.now();
  const [images, labels] = await Promise.all([readIdxFile(imagesPath), readIdxFile(labelsPath)]);
  if (images.dims.length !== 3) throw new Error(`${imagesPath}: expected 3 IDX dimensions (count, height, width), got ${images.dims.length}`);
  if (labels.dims.length !== 1) throw new Error(`${labelsPath}: expected 1 IDX dimension (count), got ${labels.dims.length}`);
  const [count, height, width] = images.dims;
  if (height !== 28 || width !== 28) throw new Error(`${imagesPath}: images are ${height}×${width}, Fashion-MNIST images are 28×28`);
  if (labels.dims[0] !== count) throw new Error(`${labelsPath}: ${labels.dims[0]} labels for ${count} images in ${imagesPath}`);
  const classCount = FASHION_MNIST_CLASS_NAMES.length;
  const labelArray = Int32Array.from(labels.data);
  const bad = labelArray.findIndex((l) => l >= classCount);
  if (bad >= 0) throw new Error(`${labelsPath}: label ${labelArray[bad]} of item ${bad} is not a Fashion-MNIST class (0–${classCount - 1})`);
  log.debug({ imagesPath, count, ms: Date.now() - started }, 'decoded Fashion-MNIST');
  return { images: images.data, labels: labelArray, height, width, channels: 1, classNames: [...FASHION_MNIST_CLASS_NAMES] };
}
