import { multiplyTransposed } from './gemm';

export interface DotProductBlock {
  /** First row of `matrix` covered by this block. */
  start: number;
  rows: number;
  /** `rows × matrix rows` dot products, row-major; the caller may overwrite it. */
  products: Float32Array;
}

export interface DotProductBlockOptions {
  /** Upper bound on `rows × matrix rows` per block (default 8,388,608 floats, 32 MiB). */
  maxBlockFloats?: number;
  /** Threads onnxruntime may use for one block (default 1: the caller works on the previous block meanwhile). */
  threads?: number;
}

/**
 * All dot products of the rows of `matrix` with each other, one block of rows at a time, so
 * memory stays bounded for large sets. The next block is computed while the caller consumes
 * the current one.
 *
 * @example
 * for await (const block of dotProductBlocks(embeddings, dim)) {
 *   // block.products[r * n + j] = <row block.start + r, row j>
 * }
 */
export async function* dotProductBlocks(
  matrix: Float32Array,
  dim: number,
  options: DotProductBlockOptions = {},
): AsyncGenerator<DotProductBlock> {
  const n = matrix.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new Error(`matrix length ${matrix.length} is not a positive multiple of dim ${dim}`);
  const maxBlockFloats = options.maxBlockFloats ?? 8 * 1024 * 1024;
  const blockRows = Math.max(1, Math.min(n, Math.floor(maxBlockFloats / n)));

  const run = (start: number) => {
    const rows = Math.min(blockRows, n - start);
    const queries = matrix.subarray(start * dim, (start + rows) * dim);
    return multiplyTransposed(queries, matrix, dim, options.threads).then((products) => ({ start, rows, products }));
  };

  let pending = run(0);
  for (let start = 0; start < n; start += blockRows) {
    const block = await pending;
    if (start + blockRows < n) pending = run(start + blockRows);
    yield block;
  }
}
