import type { VectorPayload, VectorPoint, VectorStore } from '../core/vector-store';
import type { Logger } from '../log/logger';
import { storeCalls } from './store-calls';
import type { VersionEmbedder } from './version-embedder';

/** One item to embed: its id, its encoder input (one row of the job's `rowShape`) and the payload its point carries. */
export interface CatalogRow {
  id: string;
  input: Float32Array;
  payload: VectorPayload;
}

/** A row left out of the collection, and why (a non-finite embedding, or a point the store refused). */
export interface RefusedRow {
  id: string;
  reason: string;
}

/** Rows to embed with one model version into one collection. */
export interface CatalogEmbeddingJob {
  version: string;
  collection: string;
  /** Shape of one input row, e.g. `[28, 28, 1]`. */
  rowShape: number[];
  /** The rows, read batch by batch (a generator keeps payloads from being built all at once). */
  rows: Iterable<CatalogRow>;
  /** Told the number of rows done after each batch. */
  onProgress?: (rows: number) => void;
  /** Aborted: no further batch starts, and the job rejects with the signal's reason (e.g. its version was superseded). */
  signal?: AbortSignal;
}

export interface CatalogEmbedding {
  /** Points written into the collection. */
  written: number;
  /** Rows left out, each with its reason. */
  refused: RefusedRow[];
  /** When spread over re-embed workers: shares in all, and how many the trainer embedded itself. */
  shares?: { total: number; byWorkers: number; byTrainer: number };
}

/**
 * Fills a collection with rows embedded by one model version: a whole catalog when a version is
 * published, a share of it on a re-embed worker, the items changed since the live version was
 * built. The publisher moves the live alias only after `embedCatalog` resolves.
 */
export interface CatalogEmbedder {
  embedCatalog(job: CatalogEmbeddingJob): Promise<CatalogEmbedding>;
}

export interface CatalogEmbedderOptions {
  runtime: VersionEmbedder;
  vectorStore: VectorStore;
  /** Rows per embedding call and per upsert (default 512). */
  batchSize?: number;
  /**
   * Batches in flight at once (REEMBED_SESSIONS; default 1): one batch is embedded while another
   * is written, and a runtime with as many sessions can embed them side by side.
   */
  sessions?: number;
  /** Waits between attempts while the store is unavailable (default 0.5, 1, 2, 4, 8, 8 s; then the error is thrown). */
  unavailableRetryDelaysMs?: number[];
  log: Logger;
}

/** The catalog embedder of this process; `remove` takes items out of a collection, as the live updates need. */
export interface LocalCatalogEmbedder extends CatalogEmbedder {
  remove(collection: string, ids: string[]): Promise<void>;
}

/**
 * The one catalog embedder: rows go batch by batch through pack → embed → one point per row →
 * upsert. One bad row never sinks the rest: a row whose input has the wrong size or whose
 * embedding is not finite is left out, and when the store refuses a batch as invalid, its points
 * are retried one by one so that only the refused ones are left out, each with the store's
 * reason. A store that is unavailable is waited for and retried. Upserts by id make a repeated
 * job harmless.
 *
 * @example
 * const embedder = createCatalogEmbedder({ runtime, vectorStore, batchSize: 512, sessions: 2, log });
 * const { written, refused } = await embedder.embedCatalog({ version: 'v000003', collection: 'catalog_v000003', rowShape: [28, 28, 1], rows });
 */
export function createCatalogEmbedder(options: CatalogEmbedderOptions): LocalCatalogEmbedder {
  const { runtime, log } = options;
  const batchSize = options.batchSize ?? 512;
  const sessions = Math.max(1, options.sessions ?? 1);
  const store = storeCalls(options.vectorStore, log, options.unavailableRetryDelaysMs);

  /** Embeds and writes one batch; returns the points written and the rows left out. */
  async function embedBatch(job: CatalogEmbeddingJob, rowSize: number, batch: CatalogRow[]): Promise<{ written: number; refused: RefusedRow[] }> {
    const refused: RefusedRow[] = [];
    const rows = batch.filter((row) => {
      if (row.input.length === rowSize) return true;
      refused.push({ id: row.id, reason: `input: expected ${rowSize} values, got ${row.input.length}` });
      return false;
    });
    if (rows.length === 0) return { written: 0, refused };
    const data = new Float32Array(rows.length * rowSize);
    rows.forEach((row, i) => data.set(row.input, i * rowSize));
    const vectors = await runtime.embed(job.version, data, [rows.length, ...job.rowShape]);
    const dim = vectors.length / rows.length;
    const points: VectorPoint[] = [];
    rows.forEach((row, i) => {
      const vector = vectors.slice(i * dim, (i + 1) * dim);
      if (vector.every(Number.isFinite)) points.push({ id: row.id, vector, payload: row.payload });
      else refused.push({ id: row.id, reason: 'vector: the embedding of this input is not finite' });
    });
    if (points.length === 0) return { written: 0, refused };
    const refusedByStore = await store.upsertIsolating(job.collection, points);
    return { written: points.length - refusedByStore.length, refused: [...refused, ...refusedByStore] };
  }

  return {
    async embedCatalog(job: CatalogEmbeddingJob): Promise<CatalogEmbedding> {
      const rowSize = job.rowShape.reduce((a, b) => a * b, 1);
      const rows = job.rows[Symbol.iterator]();
      const refused: RefusedRow[] = [];
      let written = 0;
      let exhausted = false;
      let failed = false;

      function nextBatch(): CatalogRow[] | undefined {
        const batch: CatalogRow[] = [];
        while (!exhausted && batch.length < batchSize) {
          const next = rows.next();
          if (next.done) exhausted = true;
          else batch.push(next.value);
        }
        return batch.length > 0 ? batch : undefined;
      }

      /** Takes batches until none is left; a lane stops as soon as another has failed or the job is cancelled. */
      async function lane(): Promise<void> {
        while (!failed) {
          job.signal?.throwIfAborted();
          const batch = nextBatch();
          if (!batch) return;
          const result = await embedBatch(job, rowSize, batch);
          written += result.written;
          refused.push(...result.refused);
          job.onProgress?.(batch.length);
        }
      }

      const lanes = await Promise.allSettled(
        Array.from({ length: sessions }, () =>
          lane().catch((error) => {
            failed = true;
            throw error;
          }),
        ),
      );
      // Every lane has settled: nothing is still writing into the collection when the job rejects.
      const failure = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (failure) throw failure.reason;
      return { written, refused };
    },

    async remove(collection: string, ids: string[]): Promise<void> {
      if (ids.length > 0) await store.whileAvailable('delete', () => options.vectorStore.delete(collection, ids));
    },
  };
}
