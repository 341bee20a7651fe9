import { dotProductBlocks } from './dot-product-blocks';
import { l2NormalizeRows, squaredRowNorms, type EmbeddingDistance } from './embedding-distance';
import { SmallestSelection } from './smallest-selection';

/**
 * For each of `count` queries, the indices of its `width` nearest other items, nearest first
 * (row-major in `indices`). A query is never its own neighbour.
 */
export interface NeighbourLists {
  count: number;
  width: number;
  indices: Int32Array;
}

export interface NeighbourListOptions {
  distance?: EmbeddingDistance;
  /** Threads onnxruntime may use for the dot products (default 1). */
  threads?: number;
  /** Bound on the dot products held at once (see `dotProductBlocks`). */
  maxBlockFloats?: number;
}

/**
 * Exact `width` nearest neighbours of every row among all other rows (leave-one-out retrieval).
 * Ties are broken by the lower index, so the result is deterministic.
 *
 * @example
 * const lists = await findNeighbourLists(new Float32Array([0, 1, 3, 7]), 1, 2, { distance: 'euclidean' });
 * // lists.indices = [1, 2,  0, 2,  1, 0,  2, 1]
 */
export async function findNeighbourLists(
  embeddings: Float32Array,
  dim: number,
  width: number,
  options: NeighbourListOptions = {},
): Promise<NeighbourLists> {
  const distance = options.distance ?? 'cosine';
  const n = embeddings.length / dim;
  const selection = new SmallestSelection(n, width);
  const indices = new Int32Array(n * width);
  const matrix = distance === 'cosine' ? l2NormalizeRows(embeddings, dim) : embeddings;
  const norms = distance === 'euclidean' ? squaredRowNorms(embeddings, dim) : undefined;

  for await (const block of dotProductBlocks(matrix, dim, { threads: options.threads, maxBlockFloats: options.maxBlockFloats })) {
    for (let r = 0; r < block.rows; r++) {
      const query = block.start + r;
      const row = block.products.subarray(r * n, (r + 1) * n);
      if (norms === undefined) {
        for (let j = 0; j < n; j++) {
          const d = 1 - row[j];
          row[j] = d > 0 ? d : 0;
        }
      } else {
        const own = norms[query];
        for (let j = 0; j < n; j++) {
          const d = own + norms[j] - 2 * row[j];
          row[j] = d > 0 ? d : 0;
        }
      }
      selection.select(row, query, indices.subarray(query * width, (query + 1) * width));
    }
  }
  return { count: n, width, indices };
}
