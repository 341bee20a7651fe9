import { FASHION_MNIST_CLASS_NAMES, itemSize, type ImageDataset } from '../../src/data';

/**
 * `POST /v1/feedback` bodies of `batch` events each, an even mix of label, pair and triplet
 * events over Fashion-MNIST train item ids, without eventIds (the API assigns them, as for
 * most clients). `variants` distinct bodies are returned, to be sent in rotation.
 *
 * @example
 * const bodies = feedbackBodies(1000, 4); // 4 JSON strings, 1000 events each
 */
export function feedbackBodies(batch: number, variants: number, catalogSize = 60_000): string[] {
  const id = (n: number) => `fmnist-train-${((n % catalogSize) + catalogSize) % catalogSize}`;
  return Array.from({ length: variants }, (_, v) =>
    JSON.stringify({
      events: Array.from({ length: batch }, (_, j) => {
        const i = v * batch + j;
        switch (i % 3) {
          case 0:
            return { type: 'label', itemId: id(i * 7), label: FASHION_MNIST_CLASS_NAMES[i % 10] };
          case 1:
            return { type: 'pair', a: id(i * 7), b: id(i * 7 + 1), similar: i % 2 === 0 };
          default:
            return { type: 'triplet', anchor: id(i * 7), positive: id(i * 7 + 1), negative: id(i * 7 + 2) };
        }
      }),
    }),
  );
}

/**
 * `POST /v1/items` bodies for a Fashion-MNIST split, `batch` items each, with their 28×28
 * pixels, ids `fmnist-<split>-<i>`, and the class name as label when `labelled`.
 *
 * @example
 * for (const body of itemBodies(train, 'train', 1000, { labelled: true })) await post('/v1/items', body);
 */
export function* itemBodies(dataset: ImageDataset, split: string, batch: number, options: { labelled: boolean; limit?: number }): Generator<{ body: string; items: number }> {
  const size = itemSize(dataset);
  const total = Math.min(dataset.labels.length, options.limit ?? Infinity);
  for (let start = 0; start < total; start += batch) {
    const items = [];
    for (let i = start; i < Math.min(total, start + batch); i++) {
      items.push({
        id: `fmnist-${split}-${i}`,
        ...(options.labelled ? { label: dataset.classNames[dataset.labels[i]] } : {}),
        attributes: { split },
        pixels: { width: dataset.width, height: dataset.height, channels: dataset.channels, data: Array.from(dataset.images.subarray(i * size, (i + 1) * size)) },
      });
    }
    yield { body: JSON.stringify({ items }), items: items.length };
  }
}
