import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ImageDataset } from '../../src/data';
import { createHoldout } from '../../src/trainer/holdout';
import { fastRecipe } from '../../src/recipes';
import { createLogger } from '../../src/log/logger';
import { deliveredTrainingSet, offlineReference } from './offline-reference';
import { evaluationSet } from './live-scores';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 40 tiny 28×28 images of 4 classes: class c lights rows 7c–7c+6. */
function stripes(): ImageDataset {
  const n = 40;
  const images = new Uint8Array(n * 784);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
  labels.forEach((c, i) => {
    for (let y = 7 * c; y < 7 * c + 7; y++) for (let x = 0; x < 28; x++) images[i * 784 + y * 28 + x] = 100 + ((i * 7 + x) % 50);
  });
  return { images, labels, height: 28, width: 28, channels: 1, classNames: ['a', 'b', 'c', 'd'] };
}

describe('offline reference', () => {
  it('trains on the items the label events delivered, under their newest label, without held-out items', () => {
    const catalog = stripes();
    const holdout = createHoldout({ fraction: 0.3 });
    const events = [3, 5, 8, 9, 12, 17, 20, 31].map((i) => ({ type: 'label' as const, itemId: `fmnist-train-${i}`, label: catalog.classNames[catalog.labels[i]], source: 'user:1' }));
    events.push({ type: 'label', itemId: 'fmnist-train-3', label: 'a', source: 'user:2' });
    const kept = [3, 5, 8, 9, 12, 17, 20, 31].filter((i) => !holdout.holdsItem(`fmnist-train-${i}`));
    expect(kept.length).toBeGreaterThan(2);
    expect(kept.length).toBeLessThan(8);
    const set = deliveredTrainingSet(catalog, events, holdout);
    expect([...set.labels]).toEqual(kept.map((i) => (i === 3 ? 0 : catalog.labels[i])));
    expect(set.inputs.subarray(0, 784)).toEqual(catalog.images.subarray(kept[0] * 784, (kept[0] + 1) * 784));
    expect(() => deliveredTrainingSet(catalog, [{ type: 'label', itemId: 'other-1', label: 'a', source: 's' }], holdout)).toThrow(/not a catalog item/);
    expect(() => deliveredTrainingSet(catalog, [{ type: 'label', itemId: 'fmnist-train-1', label: 'z', source: 's' }], holdout)).toThrow(/unknown class 'z'/);
  });

  it('scores the trained recipe on the evaluation sets with the live model\'s metric code', async () => {
    const catalog = stripes();
    const data = deliveredTrainingSet(catalog, [...catalog.labels.keys()].map((i) => ({ type: 'label' as const, itemId: `fmnist-train-${i}`, label: catalog.classNames[catalog.labels[i]], source: 's' })), createHoldout({ fraction: 0 }));
    const sets = { seen: evaluationSet('seen', catalog, [0, 1], 10), unseen: evaluationSet('unseen', catalog, [2, 3], 10) };
    const tiny = { ...fastRecipe, name: 'tiny', classesPerBatch: 2, itemsPerClass: 4 };
    const result = await offlineReference(tiny, data, sets, { steps: 2, maxSeconds: 60 }, createLogger('offline-reference-test'));
    expect(result).toMatchObject({ recipe: 'tiny', items: 40, steps: 2 });
    for (const score of [result.seen, result.unseen]) {
      expect(score.mapAtR).toBeGreaterThan(0);
      expect(score.mapAtR).toBeLessThanOrEqual(1);
      expect(Object.keys(score.mapAtRByClass)).toHaveLength(2);
    }
  });
});
