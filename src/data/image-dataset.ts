import { resolveClassSelection, type ClassSelection } from './class-list';
/**
 * Labelled images in one flat buffer: item `i` occupies
 * `images[i*H*W*C .. (i+1)*H*W*C)` in row-major HWC order, values 0–255.
 * `labels[i]` indexes `classNames`; class filtering keeps these original ids, so a subset of
 * classes 5–9 still has labels 5–9 and stays comparable with the full set.
 */
export interface ImageDataset {
  images: Uint8Array;
  labels: Int32Array;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  /** Where each item came from (relative file path), when the source has such a notion. */
  ids?: string[];
}

export interface SubsetOptions {
  /** Keep only these class ids. */
  /** Class ids or names. */
  classes?: ClassSelection;
  /** At most this many items of each class (the first ones, in source order). */
  perClassLimit?: number;
  /** At most this many items in all (the first ones, after the other filters). */
  limit?: number;
}

/**
 * The items at `indices`, in that order, as a new dataset.
 *
 * @example
 * const firstTen = selectItems(dataset, Array.from({ length: 10 }, (_, i) => i));
 */
export function selectItems(dataset: ImageDataset, indices: ArrayLike<number>): ImageDataset {
  const size = itemSize(dataset);
  const images = new Uint8Array(indices.length * size);
  const labels = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.labels.length) throw new Error(`indices: ${i} is not an item of the dataset`);
    images.set(dataset.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i];
  }
  const subset: ImageDataset = { ...dataset, images, labels };
  if (dataset.ids !== undefined) subset.ids = Array.from(indices, (i) => dataset.ids![i]);
  return subset;
}

/**
 * Applies class, per-class and total limits, keeping source order.
 *
 * @example
 * subsetDataset(train, { classes: [0, 1, 2, 3, 4], perClassLimit: 500 });
 */
export function subsetDataset(dataset: ImageDataset, options: SubsetOptions): ImageDataset {
  const { classes, perClassLimit, limit } = options;
  if (classes === undefined && perClassLimit === undefined && limit === undefined) return dataset;
  checkCount('perClassLimit', perClassLimit);
  checkCount('limit', limit);
  let wanted: Set<number> | undefined;
  if (classes !== undefined) wanted = new Set(resolveClassSelection(classes, dataset.classNames));
  const taken = new Map<number, number>();
  const indices: number[] = [];
  for (let i = 0; i < dataset.labels.length && (limit === undefined || indices.length < limit); i++) {
    const label = dataset.labels[i];
    if (wanted !== undefined && !wanted.has(label)) continue;
    const count = taken.get(label) ?? 0;
    if (perClassLimit !== undefined && count >= perClassLimit) continue;
    taken.set(label, count + 1);
    indices.push(i);
  }
  return selectItems(dataset, indices);
}

/**
 * Bytes per item.
 *
 * @example
 * itemSize({ height: 28, width: 28, channels: 1 }); // 784
 */
export function itemSize(dataset: Pick<ImageDataset, 'height' | 'width' | 'channels'>): number {
  return dataset.height * dataset.width * dataset.channels;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw new Error(`${name} must be a non-negative integer, got ${value}`);
}
