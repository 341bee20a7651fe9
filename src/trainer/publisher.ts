import * as tf from '@tensorflow/tfjs-core';
import { collectionForVersion, DEFAULT_LIVE_ALIAS, versionOfCollection } from '../core/catalog-naming';
import type { ModelStore, ModelVersionInfo } from '../core/model-store';
import type { VectorDistance, VectorStore } from '../core/vector-store';
import type { Encoder } from '../encoder/encoder';
import { isModelVersionId, nextModelVersionId } from '../core/model-version-id';
import type { Logger } from '../log/logger';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { createCatalogEmbedder, type CatalogEmbedder, type CatalogEmbedding } from '../catalog-embedding/catalog-embedder';
import type { VersionEmbedder } from '../catalog-embedding/version-embedder';
import { createProgress } from '../progress/progress';
import { catalogRows } from './catalog-rows';
import type { CatalogState } from './catalog-state';
import { judgeCandidate, type GateOptions, type GateVerdict, type HoldoutMetrics } from './canary-gate';
import { holdoutFingerprint } from './holdout-fingerprint';
import { scoreHoldout, scoreHoldoutQueries } from './holdout-score';
import { pairedStdErr } from './paired-holdout-noise';
import type { TrainerMetrics } from './trainer-metrics';

export type { VersionEmbedder };

/**
 * Feedback never trained on, to measure each version: `inputs` holds rows in the model's layout;
 * the first `labels.length` rows are labelled items, and `pairs`/`triplets` name rows by index.
 */
export interface HeldOutSet {
  inputs: Float32Array;
  labels: Int32Array;
  pairs?: { a: Int32Array; b: Int32Array; similar: Uint8Array };
  triplets?: { anchor: Int32Array; positive: Int32Array; negative: Int32Array };
}

/** Holdout scores stored with each version (`extra.holdout`): raw input's and the then-live version's. */
export interface HoldoutReferences {
  raw: HoldoutMetrics;
  /** `noise`: standard error of the candidate − live difference per metric, from the paired per-query scores. */
  live?: { version: string; metrics: HoldoutMetrics; noise?: Record<string, number> };
}

export interface PublisherOptions {
  vectorStore: VectorStore;
  modelStore: ModelStore;
  runtime: VersionEmbedder;
  /** Live alias (default `catalog`). */
  alias?: string;
  /** Versions (and their collections) kept; older ones are deleted (KEEP_VERSIONS). */
  keepVersions: number;
  /** Rows per embedding call and per upsert (default 512). */
  batchSize?: number;
  /** Distance of the catalog collections (default cosine: embeddings are unit vectors). */
  distance?: VectorDistance;
  /** The holdout each candidate is scored on (a function: read at each publication, as it grows). */
  evaluation?: HeldOutSet | (() => HeldOutSet);
  /** The canary gate; absent: every candidate goes live (its holdout scores are still recorded). */
  gate?: GateOptions;
  log: Logger;
  metrics?: TrainerMetrics;
  /**
   * Fills each new collection; default: this process embeds the whole catalog with `runtime`
   * (`createCatalogEmbedder`). `createQueueCatalogEmbedder` spreads it over `discern reembed`
   * workers instead.
   */
  catalogEmbedder?: CatalogEmbedder;
}

export interface PublishRequest {
  encoder: Encoder;
  catalog: CatalogState;
  step: number;
  /** TF.js checkpoint stored with the version. */
  checkpointDir?: string;
  extra?: Record<string, unknown>;
  /**
   * Aborted while the catalog is re-embedded (the version was superseded): the half-filled
   * collection and the version are deleted, the alias stays, and `publish` rejects with the
   * signal's reason.
   */
  signal?: AbortSignal;
}

export interface Publication {
  version: string;
  collection: string;
  /** Items embedded into the new collection. */
  items: number;
  /** Items left out: their embedding was not finite, or the store refused them. */
  skipped: number;
  reembedSeconds: number;
  itemsPerSecond: number;
  /** Scoring the candidate (and the live version and raw input) on the holdout, before anything was re-embedded. */
  evaluateSeconds: number;
  /** Moving the live alias once the collection was full (the store may finish the collection's index first). */
  swapSeconds: number;
  /** The whole publication: export, scoring, storing, re-embedding and the swap. */
  publishSeconds: number;
  metrics?: Record<string, number>;
  /** When re-embedding was spread over workers: shares in all, by workers, by the trainer. */
  shares?: { total: number; byWorkers: number; byTrainer: number };
  /** The gate's verdict, when a gate is set and a holdout exists. */
  gate?: GateVerdict;
}

/** A candidate the gate kept from going live: stored with its scores, never re-embedded. */
export interface Rejection {
  version: string;
  reason: string;
  metrics: HoldoutMetrics;
  gate: GateVerdict;
}

/** What `publish()` did: published a version, or kept a rejected candidate out. */
export type PublishOutcome = ({ published: true } & Publication) | ({ published: false } & Rejection);

/**
 * Publishes model versions: exports the encoder (trunk + head) to ONNX, stores it with its
 * checkpoint and held-out metrics, re-embeds the whole catalog with that very ONNX model into
 * a new collection `catalog_<version>`, switches the live alias to it in one atomic step, then
 * deletes versions and collections beyond the newest `keepVersions`. Readers never see a
 * half-filled collection: the alias moves only once the collection is complete.
 *
 * @example
 * const publisher = createPublisher({ vectorStore, modelStore, runtime, keepVersions: 5, log });
 * const { version, reembedSeconds } = await publisher.publish({ encoder, catalog, step: 1200 });
 */
export function createPublisher(options: PublisherOptions) {
  const alias = options.alias ?? DEFAULT_LIVE_ALIAS;
  const batchSize = options.batchSize ?? 512;
  const { vectorStore, modelStore, runtime, log } = options;
  const catalogEmbedder = options.catalogEmbedder ?? createCatalogEmbedder({ runtime, vectorStore, batchSize, log });
  if (!(Number.isInteger(options.keepVersions) && options.keepVersions >= 1)) {
    throw new Error(`keepVersions: expected a positive integer, got ${options.keepVersions}`);
  }

  /** The id after the newest version in the store or among the collections (`v000001` first). */
  async function nextVersion(): Promise<string> {
    const ids = (await modelStore.list()).map((info) => info.id);
    for (const c of await vectorStore.listCollections()) {
      const v = versionOfCollection(alias, c.name);
      if (v) ids.push(v);
    }
    // Collections count too: a publication that crashed after creating its collection must not reuse the id.
    return nextModelVersionId(ids);
  }

  /** Raw input's score on the holdout it was computed on (by fingerprint): it changes only with the holdout. */
  let rawScore: { fingerprint: string; metrics: HoldoutMetrics } | undefined;

  async function scoreRawInput(held: HeldOutSet, rowSize: number): Promise<HoldoutMetrics> {
    const fingerprint = holdoutFingerprint(held);
    if (rawScore?.fingerprint !== fingerprint) rawScore = { fingerprint, metrics: await scoreHoldout(held.inputs, rowSize, held) };
    return rawScore.metrics;
  }

  /**
   * Scores the candidate (its ONNX export, through the runtime that will serve it), the live
   * version and raw input on the current holdout; undefined without a holdout. Each embedding
   * is searched once: the paired noise of candidate vs live comes from the same per-query scores.
   */
  async function evaluate(encoder: Encoder, onnx: Uint8Array): Promise<{ candidate: HoldoutMetrics; references: HoldoutReferences } | undefined> {
    const held = typeof options.evaluation === 'function' ? options.evaluation() : options.evaluation;
    if (!held) return undefined;
    const rowSize = encoder.inputShape.reduce((a, b) => a * b, 1);
    const rows = held.inputs.length / rowSize;
    const shape = [rows, ...encoder.inputShape];
    if (rows === 0) {
      const empty = { heldOutItems: 0, heldOutQueries: 0 };
      return { candidate: empty, references: { raw: empty } };
    }
    const liveVersion = await currentLiveVersion();
    // The live version embeds the holdout on the runtime's threads (when it has some) while the candidate is embedded here.
    const liveVectors = liveVersion ? runtime.embed(liveVersion, held.inputs, shape) : undefined;
    liveVectors?.catch(() => undefined);
    const candidateVectors = runtime.embedModel ? await runtime.embedModel(onnx, held.inputs, shape) : embedWithTf(encoder, held.inputs, rows);
    const scored = await scoreHoldoutQueries(candidateVectors, encoder.dim, held);
    const candidate = scored.metrics;
    const raw = await scoreRawInput(held, rowSize);
    let live: HoldoutReferences['live'];
    if (liveVersion) {
      try {
        const vectors = await liveVectors!;
        const liveScored = await scoreHoldoutQueries(vectors, vectors.length / rows, held);
        const metrics = liveScored.metrics;
        const se = (metrics.heldOutQueries ?? 0) >= 2 ? pairedStdErr(scored.averagePrecisions, liveScored.averagePrecisions) : undefined;
        live = { version: liveVersion, metrics, ...(se !== undefined ? { noise: { mapAtR: se } } : {}) };
      } catch (error) {
        log.warn({ err: error, liveVersion }, 'could not score the live version on the holdout');
      }
    }
    return { candidate, references: { raw, ...(live ? { live } : {}) } };
  }

  function embedWithTf(encoder: Encoder, inputs: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n * encoder.dim);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const rowSize = inputs.length / n;
      const x = tf.tensor(inputs.subarray(start * rowSize, (start + rows) * rowSize), [rows, ...encoder.inputShape]);
      const e = encoder.embed(x);
      out.set(e.dataSync(), start * encoder.dim);
      tf.dispose([x, e]);
    }
    return out;
  }

  async function currentLiveVersion(): Promise<string | undefined> {
    const live = await vectorStore.resolveAlias(alias);
    return live ? versionOfCollection(alias, live) : undefined;
  }

  async function reembed(version: string, collection: string, catalog: CatalogState, signal?: AbortSignal): Promise<CatalogEmbedding> {
    const progress = createProgress({ unit: 'items', total: catalog.countEmbeddable(), log, message: 're-embedding catalog' });
    let result: CatalogEmbedding;
    try {
      result = await catalogEmbedder.embedCatalog({ version, collection, rowShape: catalog.inputShape, rows: catalogRows(catalog), onProgress: (n) => progress.tick(n), signal });
    } catch (error) {
      if (!signal?.aborted) throw error;
      // A superseded version never goes live: nothing of it is kept, and workers skip its remaining shares.
      log.info({ version, reason: String(signal.reason) }, 'publication cancelled; deleting its collection and version');
      await vectorStore.dropCollection(collection).catch((err) => log.warn({ err, collection }, 'could not drop the collection of a cancelled publication'));
      await modelStore.delete(version).catch((err) => log.warn({ err, version }, 'could not delete a cancelled version'));
      throw error;
    }
    progress.done({ version });
    if (result.refused.length > 0) {
      log.warn({ version, skipped: result.refused.length, first: result.refused.slice(0, 5) }, 'items left out of the collection: a non-finite embedding, or refused by the store');
    }
    return result;
  }

  /** Deletes versions and catalog collections older than the newest `keepVersions`, never the live one. */
  async function pruneOldVersions(): Promise<string[]> {
    const live = await vectorStore.resolveAlias(alias);
    const liveVersion = live ? versionOfCollection(alias, live) : undefined;
    const infos = (await modelStore.list()).sort((a, b) => versionNumber(a.id) - versionNumber(b.id));
    const versions = infos.map((v) => v.id);
    // Rejected candidates are kept apart, so a run of rejections cannot push out versions that went live.
    const rejected = infos.filter(isRejected).map((v) => v.id);
    const published = versions.filter((id) => !rejected.includes(id));
    const kept = new Set([...published.slice(-options.keepVersions), ...rejected.slice(-options.keepVersions)]);
    if (liveVersion) kept.add(liveVersion);
    const newestKept = Math.max(0, ...[...kept].map(versionNumber));
    const deleted: string[] = [];
    for (const id of versions) {
      if (kept.has(id)) continue;
      await modelStore.delete(id);
      deleted.push(id);
    }
    for (const c of await vectorStore.listCollections()) {
      const v = versionOfCollection(alias, c.name);
      // Collections newer than every kept version may belong to a publication in progress elsewhere.
      if (v && !kept.has(v) && versionNumber(v) < newestKept && c.name !== live) await vectorStore.dropCollection(c.name);
    }
    if (deleted.length > 0) log.info({ deleted, kept: [...kept] }, 'deleted old model versions');
    return deleted;
  }

  async function publish(request: PublishRequest): Promise<PublishOutcome> {
    const { encoder, catalog } = request;
    const publishStarted = performance.now();
    const version = await nextVersion();
    const collection = collectionForVersion(alias, version);
    const onnx = exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }, { docString: `discern model ${version}` });
    // Scored before anything is re-embedded: a rejected candidate costs one pass over the holdout only.
    const evaluateStarted = performance.now();
    const scored = await evaluate(encoder, onnx);
    const evaluateSeconds = (performance.now() - evaluateStarted) / 1000;
    const metrics = scored?.candidate;
    const gate = scored && options.gate ? judgeCandidate({ candidate: scored.candidate, live: scored.references.live?.metrics, raw: scored.references.raw, noise: scored.references.live?.noise }, options.gate) : undefined;
    const input = catalog.inputSpec as Record<string, number>;
    const info: ModelVersionInfo = {
      id: version,
      createdAt: new Date().toISOString(),
      step: request.step,
      embeddingDim: encoder.dim,
      input: { ...input },
      ...(metrics ? { metrics } : {}),
      extra: {
        encoder: encoder.config,
        backend: tf.getBackend(),
        ...request.extra,
        ...(scored ? { holdout: scored.references } : {}),
        ...(gate ? { gate } : {}),
      },
    };
    await modelStore.put(info, onnx, request.checkpointDir);
    if (gate && !gate.accepted) {
      options.metrics?.candidatesRejected.inc();
      log.warn({ version, step: request.step, reason: gate.reason, primary: gate.primary, candidate: gate.candidate, live: gate.live, raw: gate.raw }, 'candidate rejected by the canary gate; not published');
      await pruneOldVersions();
      return { published: false, version, reason: gate.reason, metrics: metrics!, gate };
    }
    await vectorStore.createCollection(collection, { dimension: encoder.dim, distance: options.distance ?? 'cosine' });
    const started = performance.now();
    const { written: items, refused, shares } = await reembed(version, collection, catalog, request.signal);
    const skipped = refused.length;
    const reembedSeconds = (performance.now() - started) / 1000;
    await vectorStore.setAlias(alias, collection);
    const swapSeconds = (performance.now() - started) / 1000 - reembedSeconds;
    const publishSeconds = (performance.now() - publishStarted) / 1000;
    options.metrics?.reembedSeconds.observe(reembedSeconds);
    options.metrics?.publications.inc();
    options.metrics?.modelVersion.set(versionNumber(version));
    if (scored) exportHoldoutGauges(scored.candidate, scored.references.raw);
    const itemsPerSecond = reembedSeconds > 0 ? items / reembedSeconds : 0;
    log.info(
      { version, collection, items, skipped, reembedSeconds: round(reembedSeconds), itemsPerSecond: round(itemsPerSecond), evaluateSeconds: round(evaluateSeconds), swapSeconds: round(swapSeconds), publishSeconds: round(publishSeconds), step: request.step, metrics, gate: gate?.reason, shares },
      'published model version',
    );
    await pruneOldVersions();
    return {
      published: true,
      version,
      collection,
      items,
      skipped,
      reembedSeconds,
      itemsPerSecond,
      evaluateSeconds,
      swapSeconds,
      publishSeconds,
      ...(metrics ? { metrics } : {}),
      ...(shares ? { shares } : {}),
      ...(gate ? { gate } : {}),
    };
  }

  function exportHoldoutGauges(live: HoldoutMetrics, raw: HoldoutMetrics): void {
    const gauge = options.metrics?.holdoutScore;
    if (!gauge) return;
    gauge.reset();
    for (const [reference, scores] of [['live', live], ['raw_input', raw]] as const) {
      for (const metric of GAUGED_METRICS) if (scores[metric] !== undefined) gauge.set({ version: reference, metric }, scores[metric]);
    }
  }

  return { publish, nextVersion, pruneOldVersions };
}

export type Publisher = ReturnType<typeof createPublisher>;

/** Holdout metrics exported as gauges (per-class MAP@R stays in `/v1/model`). */
const GAUGED_METRICS = ['mapAtR', 'recallAt1', 'pairAuc', 'tripletAgreement', 'heldOutItems', 'heldOutQueries', 'heldOutPairs', 'heldOutTriplets'];

/** Whether a stored version is a candidate the canary gate rejected. */
export function isRejected(info: ModelVersionInfo): boolean {
  return (info.extra?.gate as GateVerdict | undefined)?.accepted === false;
}

/** `v000012` → 12; anything else → 0. */
export function versionNumber(id: string): number {
  return isModelVersionId(id) ? Number(id.slice(1)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
