import * as ort from 'onnxruntime-node';
import { createOnnxThreadPool, type OnnxThreadPool } from './onnx-thread-pool';
import { UnknownModelVersionError } from '../core/model-catalog';
import type { ModelStore, ModelVersionInfo } from '../core/model-store';

export interface LoadedModelVersion {
  info: ModelVersionInfo;
  session: ort.InferenceSession;
  /** The version's ONNX bytes, kept for the thread pool when there is one. */
  onnx?: Uint8Array;
}

export interface ModelRuntimeOptions {
  /** Sessions kept open at once; the live version and the one before it is the common case. */
  maxCachedVersions?: number;
  /** Rows per inference call when embedding large batches. */
  batchSize?: number;
  /** onnxruntime intra-op threads per session (default `ORT_THREADS`, else 1: serving favours many small calls). */
  threads?: number;
  /**
   * Threads that embed, each with a single-threaded session (default 1: no threads, the calling
   * thread embeds). With more than one, every `embed` runs on them: the batches of a large one
   * side by side, and concurrent calls (the catalog embedder's batches in flight) each on a
   * thread of its own. onnxruntime-node runs a session on the thread that calls it, so sessions
   * side by side need threads of their own; single-threaded sessions are used because a
   * session's intra-op threads spin-wait for each other while the cores are busy.
   */
  parallelSessions?: number;
}

/**
 * Runs model versions from a `ModelStore` with onnxruntime-node, one cached session per
 * version, so a query is embedded by exactly the version its collection was built with.
 *
 * @example
 * const runtime = createOnnxModelRuntime(modelStore);
 * const vectors = await runtime.embed('v000003', pixels, [2, 28, 28, 1]);
 */
export function createOnnxModelRuntime(store: ModelStore, options: ModelRuntimeOptions = {}) {
  const maxCached = options.maxCachedVersions ?? 4;
  const batchSize = options.batchSize ?? 512;
  const cache = new Map<string, Promise<LoadedModelVersion>>();
  const threads = Math.max(1, options.parallelSessions ?? 1);
  let pool: OnnxThreadPool | undefined;
  /** Models embedded without being stored versions so far: each gets a pool key of its own. */
  let unstoredModels = 0;

  async function open(version: string): Promise<LoadedModelVersion> {
    const info = await store.get(version);
    if (!info) throw new UnknownModelVersionError(version);
    const bytes = await store.onnx(version);
    return { info, session: await createSession(bytes), onnx: threads > 1 ? bytes : undefined };
  }

  function createSession(onnx: Uint8Array): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(onnx, {
      intraOpNumThreads: options.threads ?? Number(process.env.ORT_THREADS ?? 1),
      graphOptimizationLevel: 'all',
    });
  }

  function load(version: string): Promise<LoadedModelVersion> {
    let entry = cache.get(version);
    if (entry) {
      cache.delete(version);
      cache.set(version, entry);
      return entry;
    }
    entry = open(version);
    entry.catch(() => cache.delete(version));
    cache.set(version, entry);
    while (cache.size > maxCached) {
      const oldest = cache.keys().next().value as string;
      const evicted = cache.get(oldest);
      cache.delete(oldest);
      pool?.forget(oldest);
      void evicted?.then((m) => m.session.release()).catch(() => undefined);
    }
    return entry;
  }

  /** Embeds `shape[0]` rows laid out as `[N, ...inputShape]`; returns N×D values row-major. */
  async function embed(version: string, input: Float32Array, shape: number[]): Promise<Float32Array> {
    const { info, session, onnx } = await load(version);
    // Every call, not only those over one batch: a caller that keeps several batches in flight
    // gets them embedded side by side, and its own thread stays free.
    if (onnx) {
      pool ??= createOnnxThreadPool(threads);
      return runOnPool(pool, { key: version, onnx }, input, shape);
    }
    return run(session, input, shape, info.embeddingDim);
  }

  /**
   * Embeds rows with an ONNX model that is not (yet) a stored version, e.g. a candidate scored
   * before it may be published (on the threads, when there are some); its sessions are released
   * afterwards.
   */
  async function embedModel(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array> {
    if (threads > 1) {
      pool ??= createOnnxThreadPool(threads);
      const key = `unstored-model-${++unstoredModels}`;
      try {
        return await runOnPool(pool, { key, onnx }, input, shape);
      } finally {
        pool.forget(key);
      }
    }
    const session = await createSession(onnx);
    try {
      return await run(session, input, shape);
    } finally {
      await session.release();
    }
  }

  /** Runs `shape[0]` rows through `session` in batches; returns them row-major (`dim` per row, or as the model says). */
  async function run(session: ort.InferenceSession, input: Float32Array, shape: number[], dim?: number): Promise<Float32Array> {
    const n = shape[0];
    const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    let out: Float32Array | undefined = dim !== undefined ? new Float32Array(n * dim) : undefined;
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const feeds = {
        [session.inputNames[0]]: new ort.Tensor('float32', input.subarray(start * rowSize, (start + rows) * rowSize), [rows, ...shape.slice(1)]),
      };
      const result = await session.run(feeds);
      const data = result[session.outputNames[0]].data as Float32Array;
      out ??= new Float32Array(n * (data.length / rows));
      out.set(data, start * (data.length / rows));
    }
    return out ?? new Float32Array(0);
  }

  /** Spreads `shape[0]` rows over the pool's threads, a batch each at a time; returns them in order. */
  async function runOnPool(threadPool: OnnxThreadPool, model: { key: string; onnx: Uint8Array }, input: Float32Array, shape: number[]): Promise<Float32Array> {
    const n = shape[0];
    const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    const rowsPerCall = Math.min(batchSize, Math.ceil(n / threadPool.size));
    const starts = Array.from({ length: Math.ceil(n / rowsPerCall) }, (_, i) => i * rowsPerCall);
    const parts = await Promise.all(
      starts.map((start) => {
        const rows = Math.min(rowsPerCall, n - start);
        return threadPool.run(model, input.slice(start * rowSize, (start + rows) * rowSize), [rows, ...shape.slice(1)]);
      }),
    );
    const out = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  return {
    load,
    embed,
    embedModel,
    async close() {
      const entries = [...cache.values()];
      cache.clear();
      await Promise.all([pool?.close(), ...entries.map((e) => e.then((m) => m.session.release()).catch(() => undefined))]);
      pool = undefined;
    },
  };
}

export type OnnxModelRuntime = ReturnType<typeof createOnnxModelRuntime>;
