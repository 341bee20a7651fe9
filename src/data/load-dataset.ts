import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseClassSelection, resolveClassSelection, type ClassSelection } from './class-list';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist, type DatasetSplit } from './fashion-mnist';
import type { ImageDataset } from './image-dataset';
import { listClassFolders, loadImageFolder, type ImageFolderOptions } from './image-folder';

export interface DatasetSpec {
  /** `fashion-mnist`, or a folder with one sub-folder of images per class. */
  data: 'fashion-mnist' | (string & {});
  split: DatasetSplit;
  /** Class ids to keep, as ids or a list such as `0-4` / `0,2,5`. */
  /** Ids, names, or a selection such as `0-4` or `Sneaker,Bag`. */
  classes?: ClassSelection | string;
  /** How errors about `classes` name it (e.g. `--classes`). */
  classesField?: string;
  limit?: number;
  perClassLimit?: number;
  /** Image-folder options (ignored for Fashion-MNIST). */
  height?: number;
  width?: number;
  channels?: 1 | 3;
  onInvalid?: ImageFolderOptions['onInvalid'];
}

/**
 * The one way the CLI obtains data. For a folder, `DIR/train` and `DIR/test` are used when both
 * exist; otherwise the whole folder serves every split, which is sound for the class-disjoint
 * protocol (training and evaluation draw on different classes).
 *
 * @example
 * const train = await loadDataset({ data: 'fashion-mnist', split: 'train', classes: '0-4' });
 * const photos = await loadDataset({ data: './photos', split: 'test', channels: 3 });
 */
export async function loadDataset(spec: DatasetSpec): Promise<ImageDataset> {
  if (spec.split !== 'train' && spec.split !== 'test') throw new Error(`split must be 'train' or 'test', got ${String(spec.split)}`);
  const field = spec.classesField ?? 'classes';
  const selection = typeof spec.classes === 'string' ? parseClassSelection(spec.classes, field) : spec.classes;
  if (spec.data === 'fashion-mnist') {
    const classes = selection && resolveClassSelection(selection, FASHION_MNIST_CLASS_NAMES, field);
    return loadFashionMnist({ split: spec.split, classes, limit: spec.limit, perClassLimit: spec.perClassLimit });
  }
  if (typeof spec.data !== 'string' || spec.data === '') throw new Error(`data must be 'fashion-mnist' or a folder, got '${String(spec.data)}'`);
  if (!existsSync(spec.data) || !statSync(spec.data).isDirectory()) {
    throw new Error(`data: '${spec.data}' is neither 'fashion-mnist' nor an existing folder of class sub-folders`);
  }
  const hasSplits = isDirectory(join(spec.data, 'train')) && isDirectory(join(spec.data, 'test'));
  const dir = hasSplits ? join(spec.data, spec.split) : spec.data;
  const classes = selection && resolveClassSelection(selection, await listClassFolders(dir), field);
  return loadImageFolder(dir, {
    classes,
    limit: spec.limit,
    perClassLimit: spec.perClassLimit,
    height: spec.height,
    width: spec.width,
    channels: spec.channels,
    onInvalid: spec.onInvalid,
  });
}

function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
