/**
 * Normalized mutual information between two labelings of the same items, with arithmetic-mean
 * normalisation: `I(U;V) / ((H(U) + H(V)) / 2)` (scikit-learn's default). Two labelings that each
 * put everything in one group agree perfectly and score 1.
 *
 * @example
 * normalizedMutualInformation([0, 0, 1, 1], [5, 5, 7, 7]); // 1
 * normalizedMutualInformation([0, 0, 1, 1], [0, 1, 0, 1]); // 0
 */
export function normalizedMutualInformation(classes: ArrayLike<number>, clusters: ArrayLike<number>): number {
  const n = classes.length;
  if (n !== clusters.length) throw new Error(`classes (${n}) and clusters (${clusters.length}) must have the same length`);
  if (n === 0) throw new Error('NMI needs at least one item');
  const classCounts = new Map<number, number>();
  const clusterCounts = new Map<number, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    classCounts.set(classes[i], (classCounts.get(classes[i]) ?? 0) + 1);
    clusterCounts.set(clusters[i], (clusterCounts.get(clusters[i]) ?? 0) + 1);
    const key = `${classes[i]}:${clusters[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  if (classCounts.size === 1 && clusterCounts.size === 1) return 1;

  const entropy = (counts: Map<number, number>) => {
    let h = 0;
    for (const c of counts.values()) h -= (c / n) * Math.log(c / n);
    return h;
  };
  let mutual = 0;
  for (const [key, c] of joint) {
    const [a, b] = key.split(':').map(Number);
    mutual += (c / n) * Math.log((c * n) / (classCounts.get(a)! * clusterCounts.get(b)!));
  }
  const normaliser = (entropy(classCounts) + entropy(clusterCounts)) / 2;
  // Rounding can leave a tiny negative or slightly-above-one value when the labelings agree or are independent.
  return Math.min(1, Math.max(0, mutual / Math.max(normaliser, Number.EPSILON)));
}
