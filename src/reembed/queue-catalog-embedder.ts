import type { Queue, QueueConsumer, TopicPartitionOffset } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import { createCatalogEmbedder, type CatalogEmbedder, type CatalogEmbedding, type CatalogEmbeddingJob, type CatalogRow, type RefusedRow } from '../catalog-embedding/catalog-embedder';
import type { VersionEmbedder } from '../catalog-embedding/version-embedder';
import type { Logger } from '../log/logger';
import { encodeReembedTask, reembedDoneSchema, taskKey, type ReembedDone } from './reembed-task';
import { splitIntoShares } from './split-into-shares';

export interface QueueCatalogEmbedderOptions {
  queue: Queue;
  vectorStore: VectorStore;
  /** Embeds what no worker reported in time (the trainer's own runtime). */
  runtime: VersionEmbedder;
  /** Most items per share (REEMBED_SHARE_ITEMS). */
  shareItems: number;
  /** Fewest shares a catalog is cut into, so that every worker gets some (default 1). */
  minShares?: number;
  /** Shares not reported done after this long are embedded by the trainer itself (REEMBED_TIMEOUT_SECONDS). */
  timeoutMs: number;
  /** Consumer group reading `reembed-done` (default `discern-trainer.reembed-done`). */
  group?: string;
  /** Rows per embedding call for shares embedded here (default 512). */
  batchSize?: number;
  /** Batches in flight for shares embedded here (default 1). */
  sessions?: number;
  log: Logger;
}

/**
 * Spreads re-embedding over `discern reembed` workers: cuts the catalog into shares, publishes
 * one task per share on `reembed-tasks`, and waits until every share is reported on
 * `reembed-done` and the collection holds exactly the points reported. A worker that dies
 * mid-share leaves its task uncommitted, so the consumer group hands it to another worker;
 * upserts by id make the repeat harmless. Shares nobody reports within `timeoutMs` are embedded
 * here (by the catalog embedder, as the workers do), and a collection whose point count still
 * disagrees is refilled here before the alias may move. A cancelled job stops waiting at once.
 *
 * @example
 * const embedder = createQueueCatalogEmbedder({ queue, vectorStore, runtime, shareItems: 2000, timeoutMs: 300_000, log });
 * await embedder.embedCatalog({ version: 'v000004', collection: 'catalog_v000004', rows, rowShape: [28, 28, 1] });
 */
export function createQueueCatalogEmbedder(options: QueueCatalogEmbedderOptions): CatalogEmbedder {
  const { queue, vectorStore, log } = options;
  const group = options.group ?? 'discern-trainer.reembed-done';
  const here = createCatalogEmbedder({ runtime: options.runtime, vectorStore, batchSize: options.batchSize, sessions: options.sessions, log });
  let consumer: Promise<QueueConsumer> | undefined;

  function replies(): Promise<QueueConsumer> {
    consumer ??= queue.consumer({ group, topics: ['reembed-done'] }).catch((error) => {
      consumer = undefined;
      throw error;
    });
    return consumer;
  }

  async function pointCount(collection: string): Promise<number | undefined> {
    return (await vectorStore.listCollections()).find((c) => c.name === collection)?.count;
  }

  return {
    async embedCatalog(job: CatalogEmbeddingJob): Promise<CatalogEmbedding> {
      const rows: CatalogRow[] = [...job.rows];
      const rowSize = job.rowShape.reduce((a, b) => a * b, 1);
      const even = Math.ceil(rows.length / (options.minShares ?? 1));
      const shares = splitIntoShares(rows, { maxItems: Math.max(1, Math.min(options.shareItems, even)), rowSize });
      const doneConsumer = await replies();
      const tasks = shares.map((items, share) =>
        encodeReembedTask({ version: job.version, collection: job.collection, share, shares: shares.length, rowShape: job.rowShape }, items),
      );
      await queue.publish('reembed-tasks', tasks.map((task) => ({ key: taskKey(task), value: JSON.stringify(task) })));
      log.info({ version: job.version, shares: shares.length, items: rows.length }, 're-embed tasks published');

      const done = new Map<number, ReembedDone>();
      const deadline = Date.now() + options.timeoutMs;
      while (done.size < shares.length && Date.now() < deadline) {
        job.signal?.throwIfAborted();
        const records = await doneConsumer.poll(256, Math.min(500, Math.max(0, deadline - Date.now())));
        const next = new Map<number, number>();
        for (const record of records) {
          next.set(record.partition, Number(record.offset) + 1);
          let reply: ReembedDone;
          try {
            reply = reembedDoneSchema.parse(JSON.parse(record.value));
          } catch (error) {
            log.warn({ offset: record.offset, err: error }, 'ignored a malformed re-embed reply');
            continue;
          }
          if (reply.version !== job.version || reply.share >= shares.length || done.has(reply.share)) continue;
          done.set(reply.share, reply);
          log.debug({ version: job.version, share: reply.share, worker: reply.worker, items: reply.written }, 're-embed share reported');
          job.onProgress?.(shares[reply.share].length);
        }
        const commit: TopicPartitionOffset[] = [...next].map(([partition, offset]) => ({ topic: 'reembed-done', partition, offset: String(offset) }));
        if (commit.length > 0) await doneConsumer.commit(commit);
      }

      let written = 0;
      let refused: RefusedRow[] = [];
      for (const reply of done.values()) {
        written += reply.written;
        refused.push(...(reply.refused ?? []));
      }
      const missing = shares.map((_, share) => share).filter((share) => !done.has(share));
      if (missing.length > 0) {
        log.warn({ version: job.version, missing: missing.length, timeoutS: options.timeoutMs / 1000 }, 'shares not reported by any re-embed worker in time; embedding them here');
        for (const share of missing) {
          const result = await here.embedCatalog({ ...job, rows: shares[share] });
          written += result.written;
          refused.push(...result.refused);
        }
      }
      let count = await pointCount(job.collection);
      if (count !== written) {
        log.warn({ version: job.version, collection: job.collection, count, expected: written }, 'collection point count differs from the shares reported; re-embedding the catalog here');
        ({ written, refused } = await here.embedCatalog({ ...job, rows, onProgress: undefined }));
        count = await pointCount(job.collection);
        if (count !== written) throw new Error(`collection ${job.collection} holds ${count} points after re-embedding, expected ${written}`);
        return { written, refused, shares: { total: shares.length, byWorkers: 0, byTrainer: shares.length } };
      }
      return { written, refused, shares: { total: shares.length, byWorkers: done.size, byTrainer: missing.length } };
    },
  };
}
