import { selectItems, type ImageDataset } from './image-dataset';

/**
 * Splits a dataset into the items of the given classes and the rest, keeping order: the usual
 * deep-metric-learning protocol trains on some classes and evaluates on the unseen others.
 *
 * @example
 * const { selected: train, rest: unseen } = splitByClasses(dataset, [0, 1, 2, 3, 4]);
 */
export function splitByClasses(dataset: ImageDataset, classes: readonly number[]): { selected: ImageDataset; rest: ImageDataset } {
  for (const c of classes) {
    if (!Number.isInteger(c) || c < 0 || c >= dataset.classNames.length) {
      throw new Error(`classes: ${c} is not a class id (0–${dataset.classNames.length - 1})`);
    }
  }
  const wanted = new Set(classes);
  const selected: number[] = [];
  const rest: number[] = [];
  dataset.labels.forEach((label, i) => (wanted.has(label) ? selected : rest).push(i));
  return { selected: selectItems(dataset, selected), rest: selectItems(dataset, rest) };
}
