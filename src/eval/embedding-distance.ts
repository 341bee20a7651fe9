/** How closeness between two embeddings is measured during evaluation. */
export type EmbeddingDistance = 'cosine' | 'euclidean';

export const EMBEDDING_DISTANCES: readonly EmbeddingDistance[] = ['cosine', 'euclidean'];

/**
 * Copy of `embeddings` with every row scaled to unit length; zero rows stay zero, so they sit at
 * cosine distance 1 from everything instead of poisoning the results with NaN.
 *
 * @example
 * l2NormalizeRows(new Float32Array([3, 4, 0, 2]), 2); // [0.6, 0.8, 0, 1]
 */
export function l2NormalizeRows(embeddings: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(embeddings.length);
  for (let offset = 0; offset < embeddings.length; offset += dim) {
    let squared = 0;
    for (let k = 0; k < dim; k++) squared += embeddings[offset + k] * embeddings[offset + k];
    const scale = squared > 0 ? 1 / Math.sqrt(squared) : 0;
    for (let k = 0; k < dim; k++) out[offset + k] = embeddings[offset + k] * scale;
  }
  return out;
}

/**
 * Squared Euclidean norm of each row.
 *
 * @example
 * squaredRowNorms(new Float32Array([3, 4, 1, 0]), 2); // [25, 1]
 */
export function squaredRowNorms(embeddings: Float32Array, dim: number): Float64Array {
  const rows = embeddings.length / dim;
  const out = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let squared = 0;
    const offset = row * dim;
    for (let k = 0; k < dim; k++) squared += embeddings[offset + k] * embeddings[offset + k];
    out[row] = squared;
  }
  return out;
}
