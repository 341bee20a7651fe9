import * as tf from '@tensorflow/tfjs-core';
import { collectionForVersion, DEFAULT_LIVE_ALIAS, versionOfCollection } from '../core/catalog-naming';
import type { ModelStore, ModelVersionInfo } from '../core/model-store';
import type { VectorDistance, VectorStore } from '../core/vector-store';
import type { Encoder } from '../encoder/encoder';
import { isModelVersionId, nextModelVersionId } from '../core/model-version-id';
import { evaluateEmbeddings } from '../eval/evaluate-embeddings';
import type { Logger } from '../log/logger';
import { exportToOnnx } from '../onnx/export-to-onnx';
import { createLocalCatalogEmbedder, type CatalogEmbedder, type CatalogEmbedding } from '../reembed/catalog-embedder';
import type { VersionEmbedder } from '../reembed/embed-rows';
import type { ShareItem } from '../reembed/reembed-task';
import type { CatalogState } from './catalog-state';
import type { TrainerMetrics } from './trainer-metrics';

export type { VersionEmbedder };

/** Labelled items never trained on, to measure each version (inputs row-major in the model's layout). */
export interface HeldOutSet {
  inputs: Float32Array;
  labels: Int32Array;
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
  evaluation?: HeldOutSet;
  log: Logger;
  metrics?: TrainerMetrics;
  /**
   * Fills each new collection; default: this process embeds the whole catalog with `runtime`.
   * `createQueueCatalogEmbedder` spreads it over `discern reembed` workers instead.
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
  metrics?: Record<string, number>;
  /** When re-embedding was spread over workers: shares in all, by workers, by the trainer. */
  shares?: { total: number; byWorkers: number; byTrainer: number };
}

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
  const catalogEmbedder = options.catalogEmbedder ?? createLocalCatalogEmbedder({ runtime, vectorStore, batchSize, log });
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

  async function evaluate(encoder: Encoder): Promise<Record<string, number> | undefined> {
    const held = options.evaluation;
    if (!held) return undefined;
    const n = held.labels.length;
    const rowSize = encoder.inputShape.reduce((a, b) => a * b, 1);
    const out = new Float32Array(n * encoder.dim);
    for (let start = 0; start < n; start += batchSize) {
      const rows = Math.min(batchSize, n - start);
      const x = tf.tensor(held.inputs.subarray(start * rowSize, (start + rows) * rowSize), [rows, ...encoder.inputShape]);
      const e = encoder.embed(x);
      out.set(e.dataSync(), start * encoder.dim);
      tf.dispose([x, e]);
    }
    const { mapAtRByClass, ...overall } = await evaluateEmbeddings(out, encoder.dim, held.labels);
    const perClass = Object.entries(mapAtRByClass).map(([label, value]) => [`mapAtR.class${label}`, value] as const);
    return { ...overall, ...Object.fromEntries(perClass) };
  }

  async function reembed(version: string, collection: string, catalog: CatalogState): Promise<CatalogEmbedding> {
    const items: ShareItem[] = [];
    for (const item of catalog.embeddable()) items.push({ id: item.id, input: item.input, payload: catalog.payloadOf(item) });
    const result = await catalogEmbedder.embedCatalog({ version, collection, items, rowShape: catalog.inputShape });
    if (result.skipped > 0) log.warn({ version, skipped: result.skipped }, 'items with a non-finite embedding were left out of the collection');
    return result;
  }

  /** Deletes versions and catalog collections older than the newest `keepVersions`, never the live one. */
  async function pruneOldVersions(): Promise<string[]> {
    const live = await vectorStore.resolveAlias(alias);
    const liveVersion = live ? versionOfCollection(alias, live) : undefined;
    const versions = (await modelStore.list()).map((v) => v.id).sort((a, b) => versionNumber(a) - versionNumber(b));
    const kept = new Set(versions.slice(-options.keepVersions));
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

  async function publish(request: PublishRequest): Promise<Publication> {
    const { encoder, catalog } = request;
    const version = await nextVersion();
    const collection = collectionForVersion(alias, version);
    const onnx = exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }, { docString: `discern model ${version}` });
    const metrics = await evaluate(encoder);
    const input = catalog.inputSpec as Record<string, number>;
    const info: ModelVersionInfo = {
      id: version,
      createdAt: new Date().toISOString(),
      step: request.step,
      embeddingDim: encoder.dim,
      input: { ...input },
      ...(metrics ? { metrics } : {}),
      extra: { encoder: encoder.config, backend: tf.getBackend(), ...request.extra },
    };
    await modelStore.put(info, onnx, request.checkpointDir);
    await vectorStore.createCollection(collection, { dimension: encoder.dim, distance: options.distance ?? 'cosine' });
    const started = performance.now();
    const { items, skipped, shares } = await reembed(version, collection, catalog);
    const reembedSeconds = (performance.now() - started) / 1000;
    await vectorStore.setAlias(alias, collection);
    options.metrics?.reembedSeconds.observe(reembedSeconds);
    options.metrics?.publications.inc();
    options.metrics?.modelVersion.set(versionNumber(version));
    const itemsPerSecond = reembedSeconds > 0 ? items / reembedSeconds : 0;
    log.info({ version, collection, items, skipped, reembedSeconds: round(reembedSeconds), itemsPerSecond: round(itemsPerSecond), step: request.step, metrics, shares }, 'published model version');
    await pruneOldVersions();
    return { version, collection, items, skipped, reembedSeconds, itemsPerSecond, ...(metrics ? { metrics } : {}), ...(shares ? { shares } : {}) };
  }

  return { publish, nextVersion, pruneOldVersions };
}

export type Publisher = ReturnType<typeof createPublisher>;

/** `v000012` → 12; anything else → 0. */
export function versionNumber(id: string): number {
  return isModelVersionId(id) ? Number(id.slice(1)) : 0;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
