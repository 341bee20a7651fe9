import { createRandom } from '../random';

/** Gaussian rows with labels, for tests. */
export function randomBatch(seed: number, n: number, dim: number, numClasses: number): { rows: number[][]; labels: Int32Array } {
  const rng = createRandom(seed);
  const rows = Array.from({ length: n }, () => Array.from({ length: dim }, () => rng.normal()));
  // Round-robin first so every class has members, then shuffle.
  const labels = Int32Array.from({ length: n }, (_, i) => i % numClasses);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return { rows, labels };
}

/**
 * Clustered inputs where only the first two coordinates carry the class (centres on a circle)
 * and the remaining ones are stronger noise, so a random projection mixes classes and a learnt
 * one can separate them.
 */
export function clusteredInputs(
  seed: number,
  perClass: number,
  numClasses: number,
  dim: number,
  noise = 1.5,
): { rows: number[][]; labels: Int32Array } {
  const rng = createRandom(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const angle = (2 * Math.PI * c) / numClasses;
    for (let k = 0; k < perClass; k++) {
      const row = Array.from({ length: dim }, () => noise * rng.normal());
      row[0] = 2 * Math.cos(angle) + 0.3 * rng.normal();
      row[1] = 2 * Math.sin(angle) + 0.3 * rng.normal();
      rows.push(row);
      labels.push(c);
    }
  }
  return { rows, labels: Int32Array.from(labels) };
}

/** Mean fraction of each point's k nearest neighbours (Euclidean, excluding itself) sharing its label. */
export function neighbourPrecision(rows: ArrayLike<number>[], labels: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let i = 0; i < rows.length; i++) {
    const order = rows
      .map((r, j) => ({ j, d: j === i ? Infinity : sqDist(rows[i], r) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    total += order.filter(({ j }) => labels[j] === labels[i]).length / k;
  }
  return total / rows.length;
}

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k] - b[k]) ** 2;
  return s;
}
