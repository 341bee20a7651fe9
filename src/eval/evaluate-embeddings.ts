import { clusteringNmi } from './clustering-nmi';
import { EMBEDDING_DISTANCES, type EmbeddingDistance } from './embedding-distance';
import { knnAccuracy } from './knn-accuracy';
import { averagePrecisionsAtR, mapAtRByClass, meanAveragePrecisionAtR } from './map-at-r';
import { findNeighbourLists } from './neighbour-lists';
import { precisionAtOne } from './precision-at-one';
import { rPrecision } from './r-precision';
import { recallAtK } from './recall-at-k';
import { sameClassCounts } from './same-class-counts';

export interface RetrievalMetrics {
  recallAt1: number;
  recallAt2: number;
  recallAt4: number;
  recallAt8: number;
  precisionAt1: number;
  mapAtR: number;
  rPrecision: number;
  nmi: number;
  knnAccuracy: number;
  /** MAP@R of each class's queries, keyed by label. */
  mapAtRByClass: Record<number, number>;
}

export interface EvaluationOptions {
  /** Default `cosine`. */
  distance?: EmbeddingDistance;
  /** Neighbours voting in the kNN accuracy (default 10). */
  knnK?: number;
  /** Seed of the k-means++ initialisation behind NMI (default 0). */
  seed?: number;
  /** Lloyd iterations of the k-means behind NMI (default 25). */
  kmeansMaxIterations?: number;
  /** Threads onnxruntime may use for the pairwise products (default 1). */
  threads?: number;
  /** Also return each query's average precision at R (`averagePrecisions`), from the same neighbour lists. */
  perQuery?: boolean;
}

/**
 * Retrieval quality of embeddings, each item querying all the others (leave-one-out): Recall@1/2/4/8,
 * precision@1, R-precision, MAP@R (overall and per class), kNN accuracy and k-means NMI. Items alone in their class are
 * not used as queries (they remain retrievable). Neighbour search is exact.
 *
 * @example
 * const metrics = await evaluateEmbeddings(embeddings, 128, labels);
 * metrics.recallAt1; // 0.87
 */
export async function evaluateEmbeddings(
  embeddings: Float32Array,
  dim: number,
  labels: Int32Array,
  options: EvaluationOptions = {},
): Promise<RetrievalMetrics & { averagePrecisions?: Float64Array }> {
  const distance = options.distance ?? 'cosine';
  const knnK = options.knnK ?? 10;
  validate(embeddings, dim, labels, distance, knnK);
  const n = labels.length;
  const relevant = sameClassCounts(labels);
  const largestR = relevant.reduce((max, r) => Math.max(max, r), 0);
  if (largestR === 0) throw new Error('labels: every class has a single item, so no query has a correct answer to retrieve');

  const width = Math.min(n - 1, Math.max(largestR, 8, knnK));
  const lists = await findNeighbourLists(embeddings, dim, width, { distance, threads: options.threads });
  return {
    recallAt1: recallAtK(lists, labels, 1),
    recallAt2: recallAtK(lists, labels, 2),
    recallAt4: recallAtK(lists, labels, 4),
    recallAt8: recallAtK(lists, labels, 8),
    precisionAt1: precisionAtOne(lists, labels),
    mapAtR: meanAveragePrecisionAtR(lists, labels),
    rPrecision: rPrecision(lists, labels),
    nmi: await clusteringNmi(embeddings, dim, labels, {
      distance,
      seed: options.seed,
      maxIterations: options.kmeansMaxIterations,
      threads: options.threads,
    }),
    knnAccuracy: knnAccuracy(lists, labels, knnK),
    mapAtRByClass: mapAtRByClass(lists, labels),
    ...(options.perQuery ? { averagePrecisions: averagePrecisionsAtR(lists, labels) } : {}),
  };
}

function validate(embeddings: Float32Array, dim: number, labels: Int32Array, distance: string, knnK: number): void {
  if (!(embeddings instanceof Float32Array)) throw new Error('embeddings must be a Float32Array');
  if (!(labels instanceof Int32Array)) throw new Error('labels must be an Int32Array');
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`dim must be a positive integer, got ${dim}`);
  if (embeddings.length !== labels.length * dim) {
    throw new Error(`embeddings has ${embeddings.length} values, expected labels.length × dim = ${labels.length} × ${dim}`);
  }
  if (labels.length < 2) throw new Error(`labels: need at least 2 items, got ${labels.length}`);
  if (!EMBEDDING_DISTANCES.includes(distance as EmbeddingDistance)) {
    throw new Error(`distance must be one of ${EMBEDDING_DISTANCES.join(', ')}, got ${distance}`);
  }
  if (!Number.isInteger(knnK) || knnK < 1) throw new Error(`knnK must be a positive integer, got ${knnK}`);
  for (let i = 0; i < embeddings.length; i++) {
    if (!Number.isFinite(embeddings[i])) throw new Error(`embeddings: value ${embeddings[i]} at item ${Math.floor(i / dim)} is not finite`);
  }
}
