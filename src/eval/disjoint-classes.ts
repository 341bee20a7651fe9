/**
 * Guards the evaluation protocol of deep metric learning: embeddings are judged on classes never
 * seen in training. Throws, naming the shared classes, when the two label sets overlap.
 *
 * @example
 * assertDisjointClasses(train.labels, test.labels); // throws if any class appears in both
 */
export function assertDisjointClasses(trainLabels: ArrayLike<number>, evalLabels: ArrayLike<number>): void {
  const train = new Set<number>();
  for (let i = 0; i < trainLabels.length; i++) train.add(trainLabels[i]);
  const shared = new Set<number>();
  for (let i = 0; i < evalLabels.length; i++) if (train.has(evalLabels[i])) shared.add(evalLabels[i]);
  if (shared.size > 0) {
    const list = [...shared].sort((a, b) => a - b).join(', ');
    throw new Error(`evaluation classes must be disjoint from training classes; both contain class(es) ${list}`);
  }
}
