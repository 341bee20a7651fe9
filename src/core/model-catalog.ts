import type { ModelVersionInfo } from '../core/model-store';

/** What a model version takes: an image grid or a feature vector from a user backbone. */
export type ModelInputSpec =
  | { kind: 'image'; height: number; width: number; channels: 1 | 3 }
  | { kind: 'features'; features: number };

/** The answer of `GET /v1/model`. */
export interface ModelDescription {
  /** The published version, or null before the first one. */
  current: ModelVersionInfo | null;
  publishedAt: string | null;
  metrics: Record<string, number>;
  /** Kept versions, newest first (rejected candidates included; each with its holdout `metrics` and `extra.holdout` references). */
  history: ModelVersionInfo[];
  /** The live version's holdout metrics beside raw input's (cosine on the model's input), as scored when it went live. */
  holdout?: { metrics: Record<string, number>; rawInput: Record<string, number>; previousLive?: { version: string; metrics: Record<string, number> } } | null;
  /** Candidates the canary gate kept from going live, newest first: their holdout metrics and why. */
  rejected?: RejectedCandidate[];
}

/** A candidate version the canary gate rejected. */
export interface RejectedCandidate {
  id: string;
  createdAt: string;
  step: number;
  reason: string;
  metrics: Record<string, number>;
  /** The gate's figures: the primary metric and the candidate's, the live version's and raw input's values. */
  gate: Record<string, unknown>;
  /** Raw input's holdout metrics, and the live version's, when it was judged. */
  references?: Record<string, unknown>;
}

/**
 * The `ModelRunner` port: embeds inputs with a named model version (each request pins the
 * version it resolved once, so answers stay consistent while a new version is published).
 * What the query app needs to embed a query, on any runtime: onnxruntime-node sessions in the
 * Node service, onnxruntime-web at the edge.
 *
 * @example
 * const spec = await runner.inputSpec('v000003');
 * const [embedding] = await runner.embed('v000003', pixels, [1, 28, 28, 1]);
 */
export interface ModelRunner {
  /** Rejects with `UnknownModelVersionError` when the version does not exist. */
  inputSpec(version: string): Promise<ModelInputSpec>;
  /**
   * Embeds a batch. `input` holds raw values (pixels 0–255, HWC, or features) of the batch,
   * `shape` is `[n, height, width, channels]` or `[n, features]`; returns n embeddings.
   */
  embed(version: string, input: Float32Array, shape: readonly number[]): Promise<Float32Array[]>;
}

/**
 * The `ModelCatalog` port: a `ModelRunner` that also describes the published versions (for
 * `GET /v1/model`). Backed in production by onnxruntime sessions cached per version.
 *
 * @example
 * const [embedding] = await catalog.embed('v000003', pixels, [1, 28, 28, 1]);
 * const { current, history } = await catalog.describe();
 */
export interface ModelCatalog extends ModelRunner {
  describe(): Promise<ModelDescription>;
}

/**
 * The requested model version is not (or no longer) available.
 *
 * @example
 * if (!info) throw new UnknownModelVersionError('v000003');
 */
export class UnknownModelVersionError extends Error {
  constructor(readonly version: string) {
    super(`unknown model version ${version}`);
    this.name = 'UnknownModelVersionError';
  }
}

/**
 * Reads a `ModelVersionInfo.input` record (`{ height, width, channels }` or `{ features }`).
 *
 * @example
 * inputSpecFromInfo({ height: 28, width: 28, channels: 1 }); // { kind: 'image', ... }
 */
export function inputSpecFromInfo(input: Record<string, number>): ModelInputSpec {
  if (typeof input.features === 'number') return { kind: 'features', features: input.features };
  const { height, width, channels } = input;
  if (height > 0 && width > 0 && (channels === 1 || channels === 3)) return { kind: 'image', height, width, channels };
  throw new Error(`model input ${JSON.stringify(input)} is neither { height, width, channels: 1|3 } nor { features }`);
}
