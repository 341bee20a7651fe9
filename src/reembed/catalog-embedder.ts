import type { VectorStore } from '../core/vector-store';
import type { Logger } from '../log/logger';
import { createProgress } from '../progress/progress';
import { embedRowsIntoCollection, type VersionEmbedder } from './embed-rows';
import type { ShareItem } from './reembed-task';

/** The catalog as it stands when a version is published: what its collection must hold. */
export interface CatalogEmbeddingJob {
  version: string;
  collection: string;
  /** Every embeddable item (inputs are referenced, not copied). */
  items: ShareItem[];
  /** Shape of one input row, e.g. `[28, 28, 1]`. */
  rowShape: number[];
}

export interface CatalogEmbedding {
  /** Points written into the collection. */
  items: number;
  /** Items left out because their embedding was not finite. */
  skipped: number;
  /** When spread over workers: shares in all, and how many the trainer embedded itself. */
  shares?: { total: number; byWorkers: number; byTrainer: number };
}

/**
 * Fills a new version's collection with the whole catalog, embedded by that version. The
 * publisher moves the live alias only after `embedCatalog` resolves.
 */
export interface CatalogEmbedder {
  embedCatalog(job: CatalogEmbeddingJob): Promise<CatalogEmbedding>;
}

/**
 * The catalog embedder of a single trainer: embeds every item itself, batch by batch.
 *
 * @example
 * const embedder = createLocalCatalogEmbedder({ runtime, vectorStore, batchSize: 512, log });
 * const { items, skipped } = await embedder.embedCatalog({ version, collection, items: shareItems, rowShape: [28, 28, 1] });
 */
export function createLocalCatalogEmbedder(options: { runtime: VersionEmbedder; vectorStore: VectorStore; batchSize: number; log: Logger }): CatalogEmbedder {
  return {
    async embedCatalog(job: CatalogEmbeddingJob): Promise<CatalogEmbedding> {
      const progress = createProgress({ unit: 'items', total: job.items.length, log: options.log, message: 're-embedding catalog' });
      const written = await embedItems(options.runtime, options.vectorStore, job, job.items, { batchSize: options.batchSize, onBatch: (n) => progress.tick(n) });
      progress.done({ version: job.version });
      return { items: written.written, skipped: written.skipped };
    },
  };
}

/**
 * Embeds some of a job's items into its collection, copying their inputs into one block per
 * group of batches (never the whole catalog at once).
 *
 * @example
 * await embedItems(runtime, vectorStore, job, job.items.slice(0, 100), { batchSize: 512 });
 */
export async function embedItems(
  runtime: VersionEmbedder,
  vectorStore: VectorStore,
  job: Omit<CatalogEmbeddingJob, 'items'>,
  items: ShareItem[],
  options: { batchSize: number; onBatch?: (rows: number) => void },
): Promise<{ written: number; skipped: number }> {
  const rowSize = job.rowShape.reduce((a, b) => a * b, 1);
  const block = options.batchSize * 8;
  let written = 0;
  let skipped = 0;
  for (let start = 0; start < items.length; start += block) {
    const part = items.slice(start, start + block);
    const inputs = new Float32Array(part.length * rowSize);
    part.forEach((item, i) => inputs.set(item.input, i * rowSize));
    const result = await embedRowsIntoCollection(runtime, vectorStore, { version: job.version, collection: job.collection, rowShape: job.rowShape, items: part, inputs }, options);
    written += result.written;
    skipped += result.skipped;
  }
  return { written, skipped };
}
