import type { OutgoingRecord } from '../../../src/core/queue';
import type { CnnEncoderConfig } from '../../../src/encoder/config';
import { thumbnailCnnConfig } from '../../../src/encoder/default-configs';
import { loadFashionMnist } from '../../../src/data/fashion-mnist';
import type { ImageDataset } from '../../../src/data/image-dataset';

/** A CNN small enough for tests that train for seconds on the cpu backend. */
export function tinyCnnConfig(): CnnEncoderConfig {
  return thumbnailCnnConfig({
    blocks: [
      { filters: 8, kernelSize: 3, stride: 1, pool: 'max' },
      { filters: 16, kernelSize: 3, stride: 1, pool: 'max' },
    ],
    head: { hidden: [], dim: 16 },
  });
}

/** The first `perClass` Fashion-MNIST items of each class of `split`, as a dataset. */
export async function fashionSubset(split: 'train' | 'test', perClass: number): Promise<ImageDataset> {
  return loadFashionMnist({ split, perClassLimit: perClass });
}

/** Item `i` of a dataset as an `items` upsert record, as the API would write it. */
export function itemRecord(data: ImageDataset, i: number, id: string, extra: Record<string, unknown> = {}): OutgoingRecord {
  const size = data.height * data.width * data.channels;
  const pixels = { width: data.width, height: data.height, channels: data.channels, data: Array.from(data.images.subarray(i * size, (i + 1) * size)) };
  return { key: id, value: JSON.stringify({ schemaVersion: 1, type: 'upsert', id, pixels, receivedAt: Date.now(), ...extra }) };
}

/** A label feedback record, as the API would write it. */
export function labelRecord(itemId: string, label: string, eventId: string): OutgoingRecord {
  return { key: itemId, value: JSON.stringify({ schemaVersion: 1, type: 'label', itemId, label, eventId, receivedAt: Date.now() }) };
}

/** A triplet feedback record. */
export function tripletRecord(anchor: string, positive: string, negative: string, eventId: string, weight?: number): OutgoingRecord {
  return {
    key: anchor,
    value: JSON.stringify({ schemaVersion: 1, type: 'triplet', anchor, positive, negative, eventId, receivedAt: Date.now(), ...(weight ? { weight } : {}) }),
  };
}

/** Input rows (float32, HWC) of the items at `indices`. */
export function inputsOf(data: ImageDataset, indices: number[]): Float32Array {
  const size = data.height * data.width * data.channels;
  const out = new Float32Array(indices.length * size);
  indices.forEach((i, k) => out.set(data.images.subarray(i * size, (i + 1) * size), k * size));
  return out;
}
