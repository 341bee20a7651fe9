import { hostname } from 'node:os';
import type { ConsumedRecord, Queue, QueueConsumer } from '../core/queue';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { createCatalogEmbedder, type CatalogEmbedding, type CatalogRow } from '../catalog-embedding/catalog-embedder';
import type { VersionEmbedder } from '../catalog-embedding/version-embedder';
import type { Logger } from '../log/logger';
import { decodeTaskInputs, reembedTaskSchema, type ReembedDone, type ReembedTask } from './reembed-task';

export interface ReembedWorkerOptions {
  queue: Queue;
  vectorStore: VectorStore;
  /** Embeds with a version from the (shared) model store. */
  runtime: VersionEmbedder;
  /** Consumer group of the workers (default `discern-reembed`): each task goes to one of them. */
  group?: string;
  /** Name in replies and logs (default `<host>:<pid>`). */
  name?: string;
  /** Rows per embedding call (default 512). */
  batchSize?: number;
  /** Batches in flight at once (default 1; see the catalog embedder). */
  sessions?: number;
  /** Called on every turn of the loop (at least every half second), e.g. to write a status file. */
  heartbeat?: () => Promise<void> | void;
  /** Whether an error means the version was abandoned (its model or collection is gone), not a failure. */
  isAbandoned?: (error: unknown) => boolean;
  log: Logger;
}

export interface WorkerCounters {
  shares: number;
  items: number;
  abandoned: number;
  malformed: number;
}

/**
 * A `discern reembed` worker: takes re-embed tasks from the `reembed-tasks` topic as one of a
 * consumer group, embeds each share with the version it names, upserts the points into that
 * version's collection, replies on `reembed-done`, and only then commits the task. Killed
 * mid-share, its uncommitted tasks go to another worker of the group. Tasks of a version whose
 * collection or model is gone (a publication abandoned after a trainer crash) are skipped.
 *
 * @example
 * const worker = createReembedWorker({ queue, vectorStore, runtime, log });
 * await worker.start();
 * process.on('SIGTERM', () => worker.stop());
 */
export function createReembedWorker(options: ReembedWorkerOptions) {
  const { queue, vectorStore, runtime, log } = options;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const counters: WorkerCounters = { shares: 0, items: 0, abandoned: 0, malformed: 0 };
  const isAbandoned = options.isAbandoned ?? ((error: unknown) => error instanceof VectorStoreError && error.code === 'not_found');
  const embedder = createCatalogEmbedder({ runtime, vectorStore, batchSize: options.batchSize, sessions: options.sessions, log });
  let consumer: QueueConsumer | undefined;
  let stopping = false;
  let loop: Promise<void> | undefined;

  async function handle(record: ConsumedRecord): Promise<void> {
    let task: ReembedTask;
    let inputs: Float32Array;
    try {
      task = reembedTaskSchema.parse(JSON.parse(record.value));
      inputs = decodeTaskInputs(task);
    } catch (error) {
      counters.malformed++;
      log.warn({ partition: record.partition, offset: record.offset, err: error }, 'skipped a malformed re-embed task');
      return;
    }
    const started = performance.now();
    const rowSize = task.rowShape.reduce((a, b) => a * b, 1);
    const rows: CatalogRow[] = task.items.map((item, i) => ({ ...item, input: inputs.subarray(i * rowSize, (i + 1) * rowSize) }));
    let result: CatalogEmbedding;
    try {
      result = await embedder.embedCatalog({ version: task.version, collection: task.collection, rowShape: task.rowShape, rows });
    } catch (error) {
      if (!isAbandoned(error)) throw error;
      counters.abandoned++;
      log.info({ version: task.version, share: task.share, reason: (error as Error).message }, 'skipped a share of an abandoned version');
      return;
    }
    const reply: ReembedDone = { version: task.version, share: task.share, written: result.written, skipped: result.refused.length, refused: result.refused, worker: name };
    await queue.publish('reembed-done', [{ key: task.version, value: JSON.stringify(reply) }]);
    counters.shares++;
    counters.items += result.written;
    log.info({ version: task.version, share: task.share, shares: task.shares, items: result.written, seconds: Math.round(performance.now() - started) / 1000 }, 're-embedded share');
  }

  async function run(): Promise<void> {
    while (!stopping) {
      // A task is committed only after its reply: whatever this worker has not finished, another takes over if it dies.
      const records = await consumer!.poll(1, 500);
      await options.heartbeat?.();
      for (const record of records) {
        await handle(record);
        await consumer!.commit([{ topic: record.topic, partition: record.partition, offset: String(Number(record.offset) + 1) }]);
      }
    }
  }

  return {
    /** Joins the workers' consumer group and starts taking tasks. */
    async start(): Promise<void> {
      if (loop) throw new Error('worker already started');
      await queue.init();
      consumer = await queue.consumer({ group: options.group ?? 'discern-reembed', topics: ['reembed-tasks'] });
      log.info({ worker: name, group: options.group ?? 'discern-reembed' }, 're-embed worker started');
      loop = run();
      loop.catch((error) => log.error({ err: error }, 're-embed worker failed'));
    },
    /** Finishes the share in hand and leaves the group. */
    async stop(): Promise<void> {
      stopping = true;
      await loop?.catch(() => undefined);
      await consumer?.close();
      consumer = undefined;
    },
    /** Resolves when the loop ends after `stop()`; rejects when it fails. */
    done(): Promise<void> {
      return loop ?? Promise.resolve();
    },
    counters: (): WorkerCounters => ({ ...counters }),
    name,
  };
}

export type ReembedWorker = ReturnType<typeof createReembedWorker>;
