import { l2NormalizeRows, type EmbeddingDistance } from './embedding-distance';
import { kMeans } from './k-means';
import { normalizedMutualInformation } from './normalized-mutual-information';

export interface ClusteringNmiOptions {
  distance?: EmbeddingDistance;
  /** Seed of the k-means++ initialisation (default 0). */
  seed?: number;
  /** Lloyd iterations at most (default 25). */
  maxIterations?: number;
  /** Threads onnxruntime may use (default 1). */
  threads?: number;
}

/**
 * How well k-means recovers the classes: clusters the embeddings into as many groups as there
 * are distinct labels (k-means++, fixed seed) and returns the NMI between clusters and labels.
 * With the cosine distance the rows are L2-normalised first, so clustering sees the same
 * geometry as retrieval.
 *
 * @example
 * await clusteringNmi(embeddings, 128, labels, { distance: 'cosine', seed: 0 }); // in [0, 1]
 */
export async function clusteringNmi(
  embeddings: Float32Array,
  dim: number,
  labels: ArrayLike<number>,
  options: ClusteringNmiOptions = {},
): Promise<number> {
  const k = new Set(Array.from(labels)).size;
  const points = (options.distance ?? 'cosine') === 'cosine' ? l2NormalizeRows(embeddings, dim) : embeddings;
  const { assignments } = await kMeans(points, dim, k, {
    seed: options.seed,
    maxIterations: options.maxIterations,
    threads: options.threads,
  });
  return normalizedMutualInformation(labels, assignments);
}
