import { Worker } from 'node:worker_threads';

/** A model a pool thread runs: `key` names it (e.g. a version id), `onnx` is sent to a thread once. */
export interface PoolModel {
  key: string;
  onnx: Uint8Array;
}

interface Job {
  model: PoolModel;
  input: Float32Array;
  shape: number[];
  resolve(data: Float32Array): void;
  reject(error: Error): void;
}

interface PoolThread {
  worker: Worker;
  loaded: Set<string>;
  job?: Job;
}

/**
 * Threads that each run one single-threaded onnxruntime session per model, so that the batches
 * of a large embed (re-embedding a catalog) use as many cores as there are threads, while the
 * calling thread stays free. A thread is started when work first needs it and replaced if it
 * dies; a job in flight on a thread that dies is rejected.
 *
 * @example
 * const pool = createOnnxThreadPool(2);
 * const rows = await pool.run({ key: 'v000003', onnx }, input, [256, 28, 28, 1]);
 * await pool.close();
 */
export function createOnnxThreadPool(size: number, options: { intraOpThreads?: number } = {}) {
  const entry = new URL('./onnx-embed-thread.mjs', import.meta.url);
  const threads: PoolThread[] = [];
  const waiting: Job[] = [];
  let nextId = 0;
  let closed = false;

  function spawn(): PoolThread {
    const thread: PoolThread = { worker: new Worker(entry, { workerData: { intraOpThreads: options.intraOpThreads ?? 1 } }), loaded: new Set() };
    const fail = (error: Error) => {
      threads.splice(threads.indexOf(thread), 1);
      const job = thread.job;
      thread.job = undefined;
      job?.reject(error);
      dispatch();
    };
    thread.worker.on('message', (reply: { data?: Float32Array; error?: string }) => {
      const job = thread.job;
      thread.job = undefined;
      if (reply.error !== undefined) job?.reject(new Error(reply.error));
      else job?.resolve(reply.data!);
      dispatch();
    });
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => {
      if (threads.includes(thread)) fail(new Error(`onnx pool thread exited with code ${code}`));
    });
    threads.push(thread);
    return thread;
  }

  function dispatch(): void {
    while (waiting.length > 0 && !closed) {
      const idle = threads.filter((t) => !t.job);
      const thread = idle.find((t) => t.loaded.has(waiting[0].model.key)) ?? idle[0] ?? (threads.length < size ? spawn() : undefined);
      if (!thread) return;
      const job = waiting.shift()!;
      thread.job = job;
      const needsModel = !thread.loaded.has(job.model.key);
      thread.loaded.add(job.model.key);
      thread.worker.postMessage({ id: nextId++, key: job.model.key, onnx: needsModel ? job.model.onnx : undefined, input: job.input, shape: job.shape }, [job.input.buffer as ArrayBuffer]);
    }
  }

  return {
    size,
    /**
     * Embeds `shape[0]` rows with `model` on the next free thread; returns the model's first
     * output. `input`'s buffer moves to that thread: pass an array of its own (e.g. a `slice`).
     */
    run(model: PoolModel, input: Float32Array, shape: number[]): Promise<Float32Array> {
      if (closed) return Promise.reject(new Error('the onnx thread pool is closed'));
      return new Promise<Float32Array>((resolve, reject) => {
        waiting.push({ model, input, shape, resolve, reject });
        dispatch();
      });
    },
    /** Releases `key`'s sessions on every thread. */
    forget(key: string): void {
      for (const thread of threads) {
        if (thread.loaded.delete(key)) thread.worker.postMessage({ type: 'forget', key });
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const job of waiting.splice(0)) job.reject(new Error('the onnx thread pool is closed'));
      const all = threads.splice(0);
      await Promise.all(all.map((t) => t.worker.terminate()));
      for (const t of all) t.job?.reject(new Error('the onnx thread pool is closed'));
    },
  };
}

export type OnnxThreadPool = ReturnType<typeof createOnnxThreadPool>;
