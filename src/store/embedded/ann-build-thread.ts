import { Worker } from 'node:worker_threads';
import type { AnnBuildCommand, AnnBuildReport, AnnBuildWorkerData } from './ann-build-protocol';
import type { VectorTable } from './vector-table';

/** What `finish` hands back: the graph is in the file it was given. */
export interface FinishedAnnBuild {
  /** The id each graph key stands for (`null`: removed), for `AnnIndex.load`. */
  keys: (string | null)[];
  /** recall@10 of the finished graph against the exact scan, on stored points. */
  recall: number;
  indexed: number;
}

/**
 * Builds a collection's HNSW index in a worker thread, so that inserting tens of thousands of
 * points (tens of seconds of CPU) never holds the store's event loop. The store hands it the
 * table's rows (`snapshot`), then the rows of each write (`sync`, in write order); the thread keeps
 * its own copy of them, indexes in the background and, on `finish`, completes the graph, audits
 * its recall and writes it to a file the store then loads. `stop` cancels a build that is no longer wanted.
 *
 * @example
 * const build = startAnnBuildThread(table, { dimension: 64, distance: 'cosine', config, auditSamples: 32, nice: 10 });
 * build.snapshot(); // every row now; then, after each write, the ids it wrote:
 * build.sync(['a', 'b']);
 * const { keys, recall } = await build.finish('/data/collections/v2/.ann-next.usearch.tmp');
 * const index = AnnIndex.load(table, 'cosine', config, '/data/collections/v2/.ann-next.usearch.tmp', keys);
 */
export function startAnnBuildThread(table: VectorTable, data: AnnBuildWorkerData) {
  // From the sources the worker registers tsx first; the build (`npm run build`) ships it as a module.
  const entry = import.meta.url.endsWith('.ts') ? new URL('./ann-build-bootstrap.mjs', import.meta.url) : new URL('./ann-build-worker.js', import.meta.url);
  const worker = new Worker(entry, { workerData: data });
  let progress = { indexed: 0, pending: 0 };
  let failure: Error | undefined;
  let stopped = false;
  const waiting: { resolve(result: FinishedAnnBuild): void; reject(error: Error): void }[] = [];
  const progressListeners: ((progress: { indexed: number; pending: number }) => void)[] = [];
  const failureListeners: ((error: Error) => void)[] = [];

  const fail = (error: Error) => {
    const first = failure === undefined;
    failure ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
    worker.unref();
    if (first && !stopped) for (const listener of failureListeners) listener(failure);
  };
  worker.on('message', (message: AnnBuildReport) => {
    if (message.type === 'progress') {
      progress = { indexed: message.indexed, pending: message.pending };
      for (const listener of progressListeners) listener(progress);
    } else if (message.type === 'finished') {
      waiting.shift()?.resolve({ keys: message.keys, recall: message.recall, indexed: message.indexed });
      if (waiting.length === 0) worker.unref();
    } else {
      fail(new Error(`approximate index build failed: ${message.message}`));
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(stopped ? 'approximate index build was stopped' : `approximate index build thread exited with code ${code}`)));
  // Building in the background must not keep a process alive that has nothing else to do; a
  // caller waiting for `finish` must.
  worker.unref();

  const send = (command: AnnBuildCommand, transfer: ArrayBuffer[] = []) => {
    if (failure === undefined) worker.postMessage(command, transfer);
  };

  const handOver = (ids: string[], vectors: Float32Array<ArrayBuffer>) => {
    send({ type: 'put', ids, vectors }, [vectors.buffer]);
    progress = { ...progress, pending: progress.pending + ids.length };
  };

  return {
    /** Points indexed and pending as last reported by the thread. */
    get progress() {
      return progress;
    },
    /** The first error the build met (it is over then), if any. */
    get failure() {
      return failure;
    },
    /** Hands the thread every row of the table as it is now (one copy of its vectors). */
    snapshot(): void {
      const vectors = table.vectors.slice(0, table.size * table.dimension);
      handOver(table.ids.slice(0, table.size), vectors);
    },
    /** Hands the thread the rows of `ids` as they are in the table now (ids not in it: removed). */
    sync(ids: Iterable<string>): void {
      const d = table.dimension;
      const put: string[] = [];
      const slots: number[] = [];
      const removed: string[] = [];
      for (const id of ids) {
        const slot = table.slotOf(id);
        if (slot === undefined) removed.push(id);
        else {
          put.push(id);
          slots.push(slot);
        }
      }
      if (put.length > 0) {
        const vectors = new Float32Array(put.length * d);
        slots.forEach((slot, i) => vectors.set(table.vectors.subarray(slot * d, slot * d + d), i * d));
        handOver(put, vectors);
      }
      if (removed.length > 0) send({ type: 'remove', ids: removed });
    },
    /** Calls `listener` with each progress report (after each slice the thread indexes). */
    onProgress(listener: (progress: { indexed: number; pending: number }) => void): void {
      progressListeners.push(listener);
    },
    /** Calls `listener` once if the build fails (not when it is stopped). */
    onFailure(listener: (error: Error) => void): void {
      failureListeners.push(listener);
    },
    /**
     * Completes the graph over everything `snapshot` and `sync` handed over so far and writes it to `path`.
     * Rejects when the build fails or is stopped first.
     */
    finish(path: string): Promise<FinishedAnnBuild> {
      if (failure !== undefined) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.ref();
        send({ type: 'finish', path });
      });
    },
    /** Ends the thread (a build in progress is abandoned). */
    stop(): Promise<number> {
      stopped = true;
      return worker.terminate();
    },
  };
}

export type AnnBuildThread = ReturnType<typeof startAnnBuildThread>;
