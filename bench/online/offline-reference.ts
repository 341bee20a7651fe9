import { itemSize, type ImageDataset } from '../../src/data';
import { evaluateEmbeddings } from '../../src/eval';
import type { Logger } from '../../src/log/logger';
import type { TrainingSet } from '../../src/offline-training/training-set';
import { trainWithRecipe, type TrainingRecipe } from '../../src/recipes';
import type { Holdout } from '../../src/trainer/holdout';
import { embedWithEncoder } from '../quality/embed-with-encoder';
import type { LabelEvent } from './label-stream';
import type { EvaluationSet, SetScore } from './live-scores';

/** The offline recipe's scores beside the live model's, and what its training cost. */
export interface OfflineReference {
  recipe: string;
  items: number;
  seen: SetScore;
  unseen: SetScore;
  steps: number;
  seconds: number;
}

/**
 * Trains `recipe` from scratch on the labelled items the stream delivered (the same items the
 * online trainer could train on) within `budget`, then scores it on the same held-out test sets
 * with the same metric code as the live model, as the reference of what offline training makes
 * of that feedback.
 *
 * @example
 * const offline = await offlineReference(defaultRecipe, trainingSet, sets, { steps: 360, maxSeconds: 120 }, log);
 * offline.seen.mapAtR; // 0.62
 */
export async function offlineReference(
  recipe: TrainingRecipe,
  data: TrainingSet,
  sets: { seen: EvaluationSet; unseen: EvaluationSet },
  budget: { steps: number; maxSeconds: number },
  log: Logger,
  seed = 0,
): Promise<OfflineReference> {
  const { encoder, summary } = await trainWithRecipe(recipe, { inputs: data.inputs, labels: data.labels }, { ...budget, seed, log, progressIntervalMs: 10_000 });
  try {
    const score = async (set: EvaluationSet): Promise<SetScore> => {
      const n = set.labels.length;
      const metrics = await evaluateEmbeddings(embedWithEncoder(encoder, set.inputs, n), encoder.dim, set.labels);
      return { mapAtR: metrics.mapAtR, recallAt1: metrics.recallAt1, mapAtRByClass: metrics.mapAtRByClass };
    };
    return { recipe: recipe.name, items: data.labels.length, seen: await score(sets.seen), unseen: await score(sets.unseen), steps: summary.steps, seconds: summary.seconds };
  } finally {
    encoder.dispose();
  }
}

/**
 * The labelled catalog items that label events delivered, as a training set: each item under
 * its newest label, items the service's holdout keeps from training left out, in catalog order.
 *
 * @example
 * deliveredTrainingSet(catalog, [{ type: 'label', itemId: 'fmnist-train-3', label: 'Dress', source: 'user:3' }], createHoldout({ fraction: 0.1 }));
 */
export function deliveredTrainingSet(catalog: ImageDataset, events: readonly LabelEvent[], holdout: Holdout): TrainingSet {
  const labelOf = new Map<number, number>();
  for (const event of events) {
    const row = Number(/^fmnist-train-(\d+)$/.exec(event.itemId)?.[1] ?? NaN);
    const label = catalog.classNames.indexOf(event.label);
    if (!Number.isInteger(row) || row >= catalog.labels.length) throw new Error(`label event names '${event.itemId}', which is not a catalog item`);
    if (label < 0) throw new Error(`label event for '${event.itemId}' names the unknown class '${event.label}'`);
    if (!holdout.holdsItem(event.itemId)) labelOf.set(row, label);
  }
  const rows = [...labelOf.keys()].sort((a, b) => a - b);
  const size = itemSize(catalog);
  const inputs = new Uint8Array(rows.length * size);
  rows.forEach((i, k) => inputs.set(catalog.images.subarray(i * size, (i + 1) * size), k * size));
  return { inputs, labels: Int32Array.from(rows, (i) => labelOf.get(i)!) };
}
