/**
 * The `ModelStore` port: immutable model versions (an ONNX file, a TF.js checkpoint and
 * metadata), each with an id, plus a pointer to the published one.
 */

export interface ModelVersionInfo {
  /** e.g. `v000012` — sortable. */
  id: string;
  createdAt: string;
  /** Training step the version was taken at. */
  step: number;
  embeddingDim: number;
  /** Input description, e.g. `{ height: 28, width: 28, channels: 1 }` or `{ features: 512 }`. */
  input: Record<string, number>;
  /** Evaluation metrics measured when the version was published. */
  metrics?: Record<string, number>;
  /** Anything else worth keeping (recipe, backend, events consumed). */
  extra?: Record<string, unknown>;
}

export interface ModelStore {
  /** Stores a version atomically: readers never see a half-written one. */
  put(info: ModelVersionInfo, onnx: Uint8Array, checkpointDir?: string): Promise<void>;
  get(id: string): Promise<ModelVersionInfo | undefined>;
  onnx(id: string): Promise<Uint8Array>;
  /** Directory holding the TF.js checkpoint of a version, if it has one. */
  checkpointDir(id: string): Promise<string | undefined>;
  list(): Promise<ModelVersionInfo[]>;
  delete(id: string): Promise<void>;
}

/**
 * Why a model store refused a call: maps to HTTP 400 / 404 / 409; `read_only`: a store that only
 * reads; `unavailable`: a remote store that cannot be reached right now (503).
 */
export type ModelStoreErrorCode = 'invalid_argument' | 'not_found' | 'conflict' | 'read_only' | 'unavailable';

/**
 * The error adapters throw for refusals the caller can act on; `field` names the offending
 * argument (e.g. `info.embeddingDim`) when the input was at fault.
 *
 * @example
 * await store.put(info, bytes).catch((e) => { if (e instanceof ModelStoreError && e.code === 'conflict') skip(); });
 */
export class ModelStoreError extends Error {
  constructor(
    message: string,
    readonly code: ModelStoreErrorCode,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ModelStoreError';
  }
}
