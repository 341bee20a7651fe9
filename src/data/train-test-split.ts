import { selectItems, type ImageDataset } from './image-dataset';
import { createRandom } from '../dml/random';

export interface TrainTestSplitOptions {
  /** Share of each class that goes to `test`, in (0, 1) (default 0.2). */
  testFraction?: number;
  /** Seed of the shuffle (default 0): the same seed gives the same split. */
  seed?: number;
}

/**
 * Stratified split within classes: every class contributes `round(testFraction × size)` of its
 * items, picked by a seeded shuffle, to `test` and the rest to `train`; both keep source order.
 * Classes with at least two items keep at least one item on each side.
 *
 * @example
 * const { train, test } = trainTestSplit(dataset, { testFraction: 0.25, seed: 7 });
 */
export function trainTestSplit(dataset: ImageDataset, options: TrainTestSplitOptions = {}): { train: ImageDataset; test: ImageDataset } {
  const testFraction = options.testFraction ?? 0.2;
  if (!(testFraction > 0 && testFraction < 1)) throw new Error(`testFraction must be in (0, 1), got ${testFraction}`);
  const random = createRandom(options.seed ?? 0).next;
  const byClass = new Map<number, number[]>();
  dataset.labels.forEach((label, i) => {
    const members = byClass.get(label) ?? [];
    members.push(i);
    byClass.set(label, members);
  });
  const isTest = new Uint8Array(dataset.labels.length);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label)!;
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j], members[i]];
    }
    const wanted = Math.round(testFraction * members.length);
    const testCount = members.length < 2 ? wanted : Math.min(members.length - 1, Math.max(1, wanted));
    for (let k = 0; k < testCount; k++) isTest[members[k]] = 1;
  }
  const train: number[] = [];
  const test: number[] = [];
  isTest.forEach((flag, i) => (flag ? test : train).push(i));
  return { train: selectItems(dataset, train), test: selectItems(dataset, test) };
}
