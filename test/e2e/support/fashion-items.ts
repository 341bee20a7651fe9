import { itemSize, loadFashionMnist, type DatasetSplit } from '../../../src/data';

/** One Fashion-MNIST image with its true class, as the tests send and judge it. */
export interface FashionItem {
  id: string;
  /** Class index 0–9. */
  classId: number;
  /** Class name, e.g. `Sneaker`. */
  className: string;
  /** The API's `pixels` field: 28×28 grey, row-major. */
  pixels: { width: number; height: number; channels: 1; data: number[] };
}

/**
 * The first `perClass` items of each class of a Fashion-MNIST split, ids `<prefix>-<n>`, in
 * source order.
 *
 * @example
 * const catalog = await fashionItems('train', 40, 'item');
 * await requestJson(url, 'POST', '/v1/items', { items: catalog.map((i) => ({ id: i.id, pixels: i.pixels })) });
 */
export async function fashionItems(split: DatasetSplit, perClass: number, prefix: string): Promise<FashionItem[]> {
  const data = await loadFashionMnist({ split, perClassLimit: perClass });
  const size = itemSize(data);
  return Array.from({ length: data.labels.length }, (_, i) => ({
    id: `${prefix}-${i}`,
    classId: data.labels[i],
    className: data.classNames[data.labels[i]],
    pixels: { width: data.width, height: data.height, channels: 1 as const, data: Array.from(data.images.subarray(i * size, (i + 1) * size)) },
  }));
}

/** Consecutive slices of at most `size` elements. */
export function chunks<T>(values: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
