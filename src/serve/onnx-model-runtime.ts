import * as ort from 'onnxruntime-node';
import { UnknownModelVersionError } from '../core/model-catalog';
import type { ModelStore, ModelVersionInfo } from '../core/model-store';

export interface LoadedModelVersion {
  info: ModelVersionInfo;
  session: ort.InferenceSession;
  /** `session` and the extra sessions of `parallelSessions`, which large embeds spread their batches over. */
  sessions: ort.InferenceSession[];
}

export interface ModelRuntimeOptions {
  /** Sessions kept open at once; the live version and the one before it is the common case. */
  maxCachedVersions?: number;
  /** Rows per inference call when embedding large batches. */
  batchSize?: number;
  /** onnxruntime intra-op threads per session (default `ORT_THREADS`, else 1: serving favours many small calls). */
  threads?: number;
  /**
   * Sessions per version that run batches of one large `embed` at the same time (default 1).
   * On 2 shared cores two single-threaded sessions embedded about 1.6× as fast as one session
   * with two intra-op threads, whose threads spin-wait for each other while the cores are busy.
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

  async function open(version: string): Promise<LoadedModelVersion> {
    const info = await store.get(version);
    if (!info) throw new UnknownModelVersionError(version);
    const bytes = await store.onnx(version);
    const sessions = await Promise.all(Array.from({ length: Math.max(1, options.parallelSessions ?? 1) }, () => createSession(bytes)));
    return { info, session: sessions[0], sessions };
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
      void evicted?.then((m) => releaseAll(m)).catch(() => undefined);
    }
    return entry;
  }

  /** Embeds `shape[0]` rows laid out as `[N, ...inputShape]`; returns N×D values row-major. */
  async function embed(version: string, input: Float32Array, shape: number[]): Promise<Float32Array> {
    const { info, sessions } = await load(version);
    return run(sessions, input, shape, info.embeddingDim);
  }

  /**
   * Embeds rows with an ONNX model that is not (yet) a stored version, e.g. a candidate scored
   * before it may be published; the session is released afterwards.
   */
  async function embedModel(onnx: Uint8Array, input: Float32Array, shape: number[]): Promise<Float32Array> {
    const session = await createSession(onnx);
    try {
      return await run([session], input, shape);
    } finally {
      await session.release();
    }
  }

  /** Runs `shape[0]` rows through `sessions` in batches; returns them row-major (`dim` per row, or as the model says). */
  async function run(sessions: ort.InferenceSession[], input: Float32Array, shape: number[], dim?: number): Promise<Float32Array> {
    const n = shape[0];
    const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    let out: Float32Array | undefined = dim !== undefined ? new Float32Array(n * dim) : undefined;
    // Each session takes the next batch as soon as it is free; small inputs use one session.
    const rowsPerCall = Math.min(batchSize, Math.max(1, Math.ceil(n / sessions.length)));
    let next = 0;
    async function drain(session: ort.InferenceSession): Promise<void> {
      while (next < n) {
        const start = next;
        const rows = Math.min(rowsPerCall, n - start);
        next += rows;
        const feeds = {
          [session.inputNames[0]]: new ort.Tensor('float32', input.subarray(start * rowSize, (start + rows) * rowSize), [rows, ...shape.slice(1)]),
        };
        const result = await session.run(feeds);
        const data = result[session.outputNames[0]].data as Float32Array;
        out ??= new Float32Array(n * (data.length / rows));
        out.set(data, start * (data.length / rows));
      }
    }
    const busy = n <= rowsPerCall ? sessions.slice(0, 1) : sessions;
    await Promise.all(busy.map(drain));
    return out ?? new Float32Array(0);
  }

  return {
    load,
    embed,
    embedModel,
    async close() {
      const entries = [...cache.values()];
      cache.clear();
      await Promise.all(entries.map((e) => e.then((m) => releaseAll(m)).catch(() => undefined)));
    },
  };
}

async function releaseAll(loaded: LoadedModelVersion): Promise<void> {
  await Promise.all(loaded.sessions.map((s) => s.release()));
}

export type OnnxModelRuntime = ReturnType<typeof createOnnxModelRuntime>;
