/** Bindings and vars of the edge worker (see wrangler.toml). */
export interface EdgeEnv {
  /** R2 bucket holding `models/<version>/model.onnx`; optional when MODEL_BASE_URL is set. */
  MODELS?: R2BucketLike;
  /** Base URL of a discern service whose `/v1/models/<version>/model.onnx` serves models. */
  MODEL_BASE_URL?: string;
  /** Qdrant REST endpoint; when unset, search goes through the discern service. */
  QDRANT_URL?: string;
  QDRANT_API_KEY?: string;
  /** Alias of the live catalog collection (default `catalog`). */
  LIVE_ALIAS?: string;
  /** discern service base URL, used for search when no Qdrant is configured. */
  DISCERN_API_URL?: string;
  DISCERN_API_KEY?: string;
}

/** The slice of the R2 binding the worker uses. */
export interface R2BucketLike {
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}
