import { existsSync } from 'node:fs';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { OutgoingRecord, Queue } from '../core/queue';
import { itemSize, loadFashionMnist, type ImageDataset } from '../data';
import { CURRENT_SCHEMA_VERSION } from '../events';
import type { ItemUpsertRecord } from '../events/item';
import { createLogger } from '../log/logger';
import { createProgress } from '../progress/progress';

const log = createLogger('seed');
const BATCH = 1000;

export interface SeedOptions {
  /** Marker file location: seeding runs once per data directory. */
  dataDir: string;
  /** At most this many items per split (default: all 60k + 10k). */
  limitPerSplit?: number;
}

/**
 * Publishes the Fashion-MNIST catalog (train and test splits, labelled with class names) as
 * item events, exactly like `POST /v1/items` would, so the trainer indexes it and search works
 * at once. Runs once per data directory.
 *
 * @example
 * await seedFashionMnist(queue, { dataDir: '.data' });
 */
export async function seedFashionMnist(queue: Queue, options: SeedOptions): Promise<{ published: number; skipped: boolean }> {
  const marker = join(options.dataDir, 'seeded-fashion-mnist.json');
  if (existsSync(marker)) {
    log.info({ marker }, 'Fashion-MNIST catalog already seeded');
    return { published: 0, skipped: true };
  }
  const splits: ImageDataset[] = [];
  for (const split of ['train', 'test'] as const) splits.push(await loadFashionMnist({ split, limit: options.limitPerSplit }));
  const total = splits.reduce((n, d) => n + d.labels.length, 0);
  const progress = createProgress({ unit: 'items', total, log, message: 'seeding Fashion-MNIST catalog' });
  let published = 0;
  for (const [s, dataset] of splits.entries()) {
    const split = s === 0 ? 'train' : 'test';
    const size = itemSize(dataset);
    for (let start = 0; start < dataset.labels.length; start += BATCH) {
      const records: OutgoingRecord[] = [];
      const receivedAt = Date.now();
      for (let i = start; i < Math.min(dataset.labels.length, start + BATCH); i++) {
        const id = `fmnist-${split}-${i}`;
        const record: ItemUpsertRecord = {
          schemaVersion: CURRENT_SCHEMA_VERSION,
          type: 'upsert',
          id,
          label: dataset.classNames[dataset.labels[i]],
          attributes: { split, source: 'fashion-mnist' },
          pixels: { width: dataset.width, height: dataset.height, channels: dataset.channels as 1, data: Array.from(dataset.images.subarray(i * size, (i + 1) * size)) },
          receivedAt,
        } as ItemUpsertRecord;
        records.push({ key: id, value: JSON.stringify(record) });
      }
      await queue.publish('items', records);
      published += records.length;
      progress.tick(records.length);
    }
  }
  progress.done();
  await writeFileAtomic(marker, JSON.stringify({ published, at: new Date().toISOString() }));
  return { published, skipped: false };
}
