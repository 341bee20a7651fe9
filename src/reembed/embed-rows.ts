import type { VectorPayload, VectorPoint, VectorStore } from '../core/vector-store';

/** Embeds rows with a published model version (onnxruntime-node in production). */
export interface VersionEmbedder {
  embed(version: string, input: Float32Array, shape: number[]): Promise<Float32Array>;
  /** Embeds rows with an ONNX model given as bytes (a candidate not yet stored), when the runtime can. */
  embedModel?(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array>;
}

export interface EmbedRowsJob {
  version: string;
  collection: string;
  /** Ids and payloads, one per row of `inputs`. */
  items: Array<{ id: string; payload: VectorPayload }>;
  /** Row-major encoder inputs, `items.length` rows of `rowShape`. */
  inputs: Float32Array;
  rowShape: number[];
}

/**
 * Embeds rows with one model version and upserts them into that version's collection, in
 * batches; rows whose embedding is not finite are left out. The one embedding path behind both
 * the trainer's own re-embedding and the `discern reembed` workers. Upserts by id make a
 * repeated job harmless.
 *
 * @example
 * const { written, skipped } = await embedRowsIntoCollection(runtime, vectorStore, job, { batchSize: 512, onBatch: (n) => progress.tick(n) });
 */
export async function embedRowsIntoCollection(
  runtime: VersionEmbedder,
  vectorStore: VectorStore,
  job: EmbedRowsJob,
  options: { batchSize: number; onBatch?: (rows: number) => void },
): Promise<{ written: number; skipped: number }> {
  const rowSize = job.rowShape.reduce((a, b) => a * b, 1);
  let written = 0;
  let skipped = 0;
  for (let start = 0; start < job.items.length; start += options.batchSize) {
    const chunk = job.items.slice(start, start + options.batchSize);
    const data = job.inputs.subarray(start * rowSize, (start + chunk.length) * rowSize);
    const vectors = await runtime.embed(job.version, data, [chunk.length, ...job.rowShape]);
    const dim = vectors.length / chunk.length;
    const points: VectorPoint[] = [];
    chunk.forEach((item, i) => {
      const vector = vectors.slice(i * dim, (i + 1) * dim);
      if (vector.every(Number.isFinite)) points.push({ id: item.id, vector, payload: item.payload });
      else skipped++;
    });
    if (points.length > 0) await vectorStore.upsert(job.collection, points);
    written += points.length;
    options.onBatch?.(chunk.length);
  }
  return { written, skipped };
}
