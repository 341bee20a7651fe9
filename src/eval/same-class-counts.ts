/**
 * For each item, how many *other* items share its label: the `R` of R-precision and MAP@R.
 * Items with 0 (the only member of their class) cannot be retrieved correctly by anyone, so the
 * retrieval metrics leave them out as queries, like pytorch-metric-learning's AccuracyCalculator.
 *
 * @example
 * sameClassCounts([0, 0, 1, 0]); // [2, 2, 0, 2]
 */
export function sameClassCounts(labels: ArrayLike<number>): Int32Array {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i], (sizes.get(labels[i]) ?? 0) + 1);
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = (sizes.get(labels[i]) ?? 1) - 1;
  return out;
}
