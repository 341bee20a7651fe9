import { kmeans as referenceKmeans } from 'ml-kmeans';
import { describe, expect, it } from 'vitest';
import { kMeans } from './k-means';
import { normalizedMutualInformation } from './normalized-mutual-information';

function gaussianBlobs(perBlob: number, centres: number[][], spread: number, seed: number) {
  let s = seed;
  const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const normal = () => Math.sqrt(-2 * Math.log(random())) * Math.cos(2 * Math.PI * random());
  const dim = centres[0].length;
  const points = new Float32Array(perBlob * centres.length * dim);
  const labels: number[] = [];
  centres.forEach((centre, c) => {
    for (let i = 0; i < perBlob; i++) {
      const row = labels.length;
      for (let j = 0; j < dim; j++) points[row * dim + j] = centre[j] + spread * normal();
      labels.push(c);
    }
  });
  return { points, labels, dim };
}

describe('kMeans', () => {
  it('recovers well-separated blobs exactly', async () => {
    const { points, labels, dim } = gaussianBlobs(50, [[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10]], 0.5, 11);
    const { assignments } = await kMeans(points, dim, 4, { seed: 1 });
    expect(normalizedMutualInformation(labels, assignments)).toBeCloseTo(1, 12);
  });

  it('is reproducible for a seed', async () => {
    const { points, dim } = gaussianBlobs(60, [[0, 0], [3, 0], [0, 3]], 1.5, 5);
    const a = await kMeans(points, dim, 3, { seed: 42 });
    const b = await kMeans(points, dim, 3, { seed: 42 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(Array.from(a.centers)).toEqual(Array.from(b.centers));
  });

  it('runs the same Lloyd iterations as ml-kmeans from the same starting centres', async () => {
    const { points, dim } = gaussianBlobs(80, [[0, 0, 0, 0], [2, 1, 0, 0], [0, 2, 1, 0], [1, 0, 0, 2]], 1, 23);
    // With no Lloyd iteration the centres are exactly the k-means++ seeds.
    const seeded = await kMeans(points, dim, 4, { seed: 9, maxIterations: 0 });
    const rows = Array.from({ length: points.length / dim }, (_, i) => Array.from(points.subarray(i * dim, (i + 1) * dim)));
    const starts = Array.from({ length: 4 }, (_, c) => Array.from(seeded.centers.subarray(c * dim, (c + 1) * dim)));
    const reference = referenceKmeans(rows, 4, { initialization: starts, maxIterations: 100, tolerance: 1e-12 });
    const converged = await kMeans(points, dim, 4, { seed: 9, maxIterations: 100 });
    expect(seeded.iterations).toBe(0);
    expect(Array.from(converged.assignments)).toEqual(reference.clusters);
    reference.centroids.forEach((centre, c) => {
      centre.forEach((value, j) => expect(converged.centers[c * dim + j]).toBeCloseTo(value, 4));
    });
  });

  it('rejects k larger than the number of points', async () => {
    await expect(kMeans(new Float32Array(4), 2, 3)).rejects.toThrow(/k must/);
  });
});
