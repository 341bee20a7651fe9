import { describe, expect, it } from 'vitest';
import { evaluateEmbeddings, type RetrievalMetrics } from './evaluate-embeddings';
import { normalizedMutualInformation } from './normalized-mutual-information';
import { rawPixelBaseline } from './raw-pixel-baseline';

function seeded(seed: number) {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647);
}

/** Every metric straight from its definition on a float64 distance matrix with full sorts. */
function referenceMetrics(x: Float32Array, dim: number, labels: Int32Array, distance: 'cosine' | 'euclidean', knnK: number) {
  const n = labels.length;
  const row = (i: number) => Array.from(x.subarray(i * dim, (i + 1) * dim));
  const dist = (a: number[], b: number[]) => {
    if (distance === 'euclidean') return Math.sqrt(a.reduce((s, v, k) => s + (v - b[k]) ** 2, 0));
    const dot = a.reduce((s, v, k) => s + v * b[k], 0);
    return 1 - dot / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));
  };
  const D = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => dist(row(i), row(j))));
  const sums = { r1: 0, r2: 0, r4: 0, r8: 0, rp: 0, map: 0, knn: 0 };
  let queries = 0;
  for (let q = 0; q < n; q++) {
    const R = Array.from(labels).filter((l, i) => i !== q && l === labels[q]).length;
    if (R === 0) continue;
    queries++;
    const order = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i !== q)
      .map((i) => ({ i, d: D[q][i] }))
      .sort((a, b) => a.d - b.d || a.i - b.i)
      .map(({ i }) => labels[i] === labels[q]);
    sums.r1 += order.slice(0, 1).some(Boolean) ? 1 : 0;
    sums.r2 += order.slice(0, 2).some(Boolean) ? 1 : 0;
    sums.r4 += order.slice(0, 4).some(Boolean) ? 1 : 0;
    sums.r8 += order.slice(0, 8).some(Boolean) ? 1 : 0;
    sums.rp += order.slice(0, R).filter(Boolean).length / R;
    let hits = 0;
    let ap = 0;
    order.slice(0, R).forEach((rel, i) => {
      if (rel) ap += ++hits / (i + 1);
    });
    sums.map += ap / R;
    const votes = new Map<number, number>();
    let best = -1;
    let bestVotes = 0;
    const sorted = Array.from({ length: n }, (_, i) => i)
      .filter((i) => i !== q)
      .sort((a, b) => D[q][a] - D[q][b] || a - b);
    for (const i of sorted.slice(0, knnK)) {
      const c = (votes.get(labels[i]) ?? 0) + 1;
      votes.set(labels[i], c);
      if (c > bestVotes) [best, bestVotes] = [labels[i], c];
    }
    sums.knn += best === labels[q] ? 1 : 0;
  }
  return {
    recallAt1: sums.r1 / queries,
    recallAt2: sums.r2 / queries,
    recallAt4: sums.r4 / queries,
    recallAt8: sums.r8 / queries,
    precisionAt1: sums.r1 / queries,
    rPrecision: sums.rp / queries,
    mapAtR: sums.map / queries,
    knnAccuracy: sums.knn / queries,
  };
}

function expectRetrievalClose(actual: RetrievalMetrics, expected: Partial<RetrievalMetrics>) {
  for (const [key, value] of Object.entries(expected)) if (typeof value === 'number') expect(actual[key as keyof RetrievalMetrics], key).toBeCloseTo(value, 9);
}

describe('evaluateEmbeddings', () => {
  it('computes every retrieval metric of a hand-worked 1-D example (euclidean)', async () => {
    // Points 0 1 3 7 8 20 with classes A A B B A B (R = 2 for everyone). Nearest-first relevance:
    // a: b c d e f -> 1 0 0 1 0    b: a c d e f -> 1 0 0 1 0    c: b a d e f -> 0 0 1 0 1
    // d: e c b a f -> 0 1 0 0 1    e: d c b a f -> 0 0 1 1 0    f: e d c b a -> 0 1 1 0 0
    const x = new Float32Array([0, 1, 3, 7, 8, 20]);
    const labels = new Int32Array([0, 0, 1, 1, 0, 1]);
    const metrics = await evaluateEmbeddings(x, 1, labels, { distance: 'euclidean', knnK: 3 });
    expectRetrievalClose(metrics, {
      recallAt1: 2 / 6,
      recallAt2: 4 / 6,
      recallAt4: 1,
      recallAt8: 1,
      precisionAt1: 2 / 6,
      rPrecision: (1 / 2 + 1 / 2 + 0 + 1 / 2 + 0 + 1 / 2) / 6,
      mapAtR: (1 / 2 + 1 / 2 + 0 + 1 / 4 + 0 + 1 / 4) / 6,
      // 3-NN votes: a B, b B, c A, d A, e B, f B -> only f is right
      knnAccuracy: 1 / 6,
    });
    // Per class: A = (a 1/2 + b 1/2 + e 0) / 3, B = (c 0 + d 1/4 + f 1/4) / 3.
    expect(Object.keys(metrics.mapAtRByClass)).toEqual(['0', '1']);
    expect(metrics.mapAtRByClass[0]).toBeCloseTo(1 / 3, 12);
    expect(metrics.mapAtRByClass[1]).toBeCloseTo(1 / 6, 12);
    expect(metrics.nmi).toBeGreaterThanOrEqual(0);
    expect(metrics.nmi).toBeLessThanOrEqual(1);
  });

  it('uses angles only under the cosine distance', async () => {
    // Directions 0°, 10° (class 0) and 90°, 100° (class 1) at very different lengths.
    const polar = (deg: number, r: number) => [r * Math.cos((deg * Math.PI) / 180), r * Math.sin((deg * Math.PI) / 180)];
    const x = new Float32Array([...polar(0, 1), ...polar(10, 50), ...polar(90, 0.1), ...polar(100, 7)]);
    const labels = new Int32Array([0, 0, 1, 1]);
    // k = 1: with one same-class item among three, a larger k would be outvoted by design.
    const cosine = await evaluateEmbeddings(x, 2, labels, { knnK: 1 });
    expect(cosine).toEqual({ recallAt1: 1, recallAt2: 1, recallAt4: 1, recallAt8: 1, precisionAt1: 1, mapAtR: 1, rPrecision: 1, nmi: 1, knnAccuracy: 1, mapAtRByClass: { 0: 1, 1: 1 } });
    // Euclidean: item 2 (length 0.1) is nearest to item 0, so retrieval is no longer perfect.
    const euclidean = await evaluateEmbeddings(x, 2, labels, { distance: 'euclidean' });
    expect(euclidean.recallAt1).toBeLessThan(1);
  });

  it('matches a brute-force reference on random data, for both distances', async () => {
    const random = seeded(99);
    const n = 240;
    const dim = 12;
    const labels = Int32Array.from({ length: n }, () => Math.floor(random() * 7));
    labels[0] = 42; // a query alone in its class
    // Class-dependent offsets give non-trivial metric values.
    const x = Float32Array.from({ length: n * dim }, (_, k) => random() - 0.5 + (labels[Math.floor(k / dim)] % dim === k % dim ? 0.6 : 0));
    for (const distance of ['cosine', 'euclidean'] as const) {
      const metrics = await evaluateEmbeddings(x, dim, labels, { distance, knnK: 5 });
      expectRetrievalClose(metrics, referenceMetrics(x, dim, labels, distance, 5));
      // The lone item asks no query, and the per-class figures average back to the overall one.
      expect(Object.keys(metrics.mapAtRByClass)).not.toContain('42');
      const queries = (c: number) => labels.filter((l) => l === c).length;
      const weighted = Object.entries(metrics.mapAtRByClass).reduce((sum, [c, v]) => sum + v * queries(Number(c)), 0);
      expect(weighted / (n - 1)).toBeCloseTo(metrics.mapAtR, 12);
    }
  });

  it('scores a perfect clustering 1.0 everywhere', async () => {
    const random = seeded(5);
    const classes = 6;
    const perClass = 40;
    const dim = 16;
    const labels = Int32Array.from({ length: classes * perClass }, (_, i) => i % classes);
    const x = Float32Array.from({ length: labels.length * dim }, (_, k) => {
      const c = labels[Math.floor(k / dim)];
      return (k % dim === c ? 10 : 0) + 0.01 * random();
    });
    const metrics = await evaluateEmbeddings(x, dim, labels);
    const { mapAtRByClass, ...overall } = metrics;
    for (const [key, value] of Object.entries(overall)) expect(value, key).toBeCloseTo(1, 9);
    expect(Object.values(mapAtRByClass)).toEqual(Array(classes).fill(1));
  });

  it('scores random embeddings at chance level', async () => {
    const random = seeded(17);
    const classes = 5;
    const n = 1000;
    const dim = 32;
    const labels = Int32Array.from({ length: n }, (_, i) => i % classes);
    const x = Float32Array.from({ length: n * dim }, () => random() - 0.5);
    const metrics = await evaluateEmbeddings(x, dim, labels);
    const p = (n / classes - 1) / (n - 1); // chance that a random other item is relevant
    const R = n / classes - 1;
    const harmonic = Array.from({ length: R }, (_, i) => 1 / (i + 1)).reduce((s, v) => s + v, 0);
    expect(metrics.recallAt1).toBeCloseTo(p, 1);
    expect(metrics.precisionAt1).toBe(metrics.recallAt1);
    expect(Math.abs(metrics.recallAt4 - (1 - (1 - p) ** 4))).toBeLessThan(0.05);
    expect(Math.abs(metrics.recallAt8 - (1 - (1 - p) ** 8))).toBeLessThan(0.05);
    expect(Math.abs(metrics.rPrecision - p)).toBeLessThan(0.02);
    // E[AP@R] for independent relevance: (p / R) · (H_R + p (R − H_R)).
    expect(Math.abs(metrics.mapAtR - (p / R) * (harmonic + p * (R - harmonic)))).toBeLessThan(0.01);
    expect(Math.abs(metrics.knnAccuracy - p)).toBeLessThan(0.06);
    expect(metrics.nmi).toBeLessThan(0.03);
  });

  it('reports NMI of a fixed-seed k-means against the labels', async () => {
    const labels = new Int32Array([0, 0, 0, 1, 1, 1]);
    const x = new Float32Array([0, 0.1, 0.2, 5, 5.1, 5.2]);
    const metrics = await evaluateEmbeddings(x, 1, labels, { distance: 'euclidean' });
    expect(metrics.nmi).toBeCloseTo(normalizedMutualInformation(labels, [1, 1, 1, 0, 0, 0]), 12);
    expect(await evaluateEmbeddings(x, 1, labels, { distance: 'euclidean', seed: 3 })).toEqual(
      await evaluateEmbeddings(x, 1, labels, { distance: 'euclidean', seed: 3 }),
    );
  });

  it('rejects malformed input, naming the field', async () => {
    const x = new Float32Array(6);
    await expect(evaluateEmbeddings(x, 4, new Int32Array([0, 0]))).rejects.toThrow(/embeddings has 6 values/);
    await expect(evaluateEmbeddings(x, 0, new Int32Array([0, 0]))).rejects.toThrow(/dim must/);
    await expect(evaluateEmbeddings(x, 3, new Int32Array([0, 1]))).rejects.toThrow(/labels: every class has a single item/);
    await expect(evaluateEmbeddings(new Float32Array([0, NaN]), 1, new Int32Array([0, 0]))).rejects.toThrow(/embeddings: value NaN at item 1/);
    await expect(evaluateEmbeddings(x, 3, new Int32Array([0, 0]), { distance: 'dot' as 'cosine' })).rejects.toThrow(/distance must/);
    await expect(evaluateEmbeddings(x, 3, new Int32Array([0, 0]), { knnK: 0 })).rejects.toThrow(/knnK/);
  });
});

describe('rawPixelBaseline', () => {
  it('evaluates the pixel values themselves under the cosine distance', async () => {
    const random = seeded(8);
    const labels = Int32Array.from({ length: 60 }, (_, i) => i % 3);
    const images = Uint8Array.from({ length: 60 * 25 }, (_, k) => Math.floor(random() * 256) & (labels[Math.floor(k / 25)] === 0 ? 0xf0 : 0xff));
    const baseline = await rawPixelBaseline(images, labels);
    expect(baseline).toEqual(await evaluateEmbeddings(Float32Array.from(images), 25, labels, { distance: 'cosine' }));
    await expect(rawPixelBaseline(new Uint8Array(7), new Int32Array([0, 0]))).rejects.toThrow(/images has 7 values/);
  });
});
