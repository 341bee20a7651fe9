import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadConfig, type Config } from '../../src/config';
import { collectionForVersion, DEFAULT_LIVE_ALIAS } from '../../src/core/catalog-naming';
import type { SearchFilter } from '../../src/core/vector-store';
import { itemSize, loadFashionMnist, type DatasetSplit } from '../../src/data';
import type { Logger } from '../../src/log/logger';
import { createProgress } from '../../src/progress/progress';
import { createAdapters, type Adapters } from '../../src/service/create-adapters';
import { startApi, type RunningApi } from '../../src/service/start-api';
import { randomThumbnailEncoderOnnx } from './random-thumbnail-encoder';

export interface PublishedCatalogOptions {
  /** Fashion-MNIST splits indexed, in this order (default `['test']`). */
  splits?: DatasetSplit[];
  /** At most this many items per split (default 300; `Infinity` for all). */
  limitPerSplit?: number;
  /** Embedding dimension of every version (default 32). */
  embeddingDim?: number;
  /** Start the Node API on a free loopback port (default true). */
  startApi?: boolean;
  /** Extra settings for `loadConfig`. */
  env?: Record<string, string>;
  /** Where to report catalog building with progress lines (default: silent). */
  log?: Logger;
}

/** One indexed Fashion-MNIST item. */
export interface CatalogItem {
  id: string;
  label: string;
  /** 28×28 grey pixels, 0–255, row-major. */
  pixels: Uint8Array;
}

/** A published model version and the embeddings its collection was built from. */
export interface PublishedVersion {
  id: string;
  collection: string;
  /** Embedding of `items[i]` at rows `i*dim .. (i+1)*dim`, as computed by onnxruntime-node. */
  embeddings: Float32Array;
  onnx: Uint8Array;
  session: ort.InferenceSession;
  buildMs: { model: number; embed: number; index: number };
}

export interface ReferenceHit {
  id: string;
  score: number;
  label: string;
}

const UPSERT_BATCH = 2000;
const EMBED_BATCH = 512;

/**
 * A data directory with real model versions in the model store and their catalog collections in
 * the vector store (embedded by default), each built from Fashion-MNIST pixels with
 * onnxruntime-node, the live alias on the newest, and the Node API serving it all. Reference
 * embeddings and exact searches come from the fixture's own copies, independent of the API.
 *
 * @example
 * const catalog = await startPublishedCatalog({ limitPerSplit: 200 });
 * const v2 = await catalog.publishVersion(); // new weights, alias swapped to catalog_v000002
 * const [want] = await catalog.embedReference(v2.id, catalog.items[0].pixels);
 * await catalog.close();
 */
export async function startPublishedCatalog(options: PublishedCatalogOptions = {}) {
  const log = options.log;
  const dir = await mkdtemp(join(tmpdir(), 'discern-catalog-'));
  const embeddingDim = options.embeddingDim ?? 32;
  const config: Config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DISCERN_DATA_DIR: dir,
    DISCERN_QUEUE: 'embedded',
    DISCERN_VECTOR_STORE: 'embedded',
    ...options.env,
  });
  const adapters: Adapters = await createAdapters(config);

  const items: CatalogItem[] = [];
  for (const split of options.splits ?? ['test']) {
    const limit = options.limitPerSplit ?? 300;
    const dataset = await loadFashionMnist({ split, ...(Number.isFinite(limit) ? { limit } : {}) });
    const size = itemSize(dataset);
    for (let i = 0; i < dataset.labels.length; i++) {
      items.push({ id: `fmnist-${split}-${i}`, label: dataset.classNames[dataset.labels[i]], pixels: dataset.images.subarray(i * size, (i + 1) * size) });
    }
  }
  const allPixels = new Float32Array(items.length * 784);
  items.forEach((item, i) => allPixels.set(item.pixels, i * 784));

  const versions = new Map<string, PublishedVersion>();
  let live: PublishedVersion | undefined;
  let counter = 0;

  async function embedWith(session: ort.InferenceSession, pixels: Float32Array, n: number): Promise<Float32Array> {
    const out = new Float32Array(n * embeddingDim);
    for (let start = 0; start < n; start += EMBED_BATCH) {
      const rows = Math.min(EMBED_BATCH, n - start);
      const input = new ort.Tensor('float32', pixels.subarray(start * 784, (start + rows) * 784), [rows, 28, 28, 1]);
      const result = await session.run({ [session.inputNames[0]]: input });
      out.set(result[session.outputNames[0]].data as Float32Array, start * embeddingDim);
    }
    return out;
  }

  /** Builds, stores, embeds and indexes the next version, then points the live alias at it. */
  async function publishVersion(): Promise<PublishedVersion> {
    counter += 1;
    const id = `v${String(counter).padStart(6, '0')}`;
    const collection = collectionForVersion(DEFAULT_LIVE_ALIAS, id);
    let t = performance.now();
    const onnx = await randomThumbnailEncoderOnnx(counter, embeddingDim, allPixels.subarray(0, Math.min(items.length, 256) * 784));
    await adapters.modelStore.put(
      { id, createdAt: new Date().toISOString(), step: counter, embeddingDim, input: { height: 28, width: 28, channels: 1 }, extra: { seed: counter } },
      onnx,
    );
    const session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 1 });
    const model = performance.now() - t;

    t = performance.now();
    const progress = log ? createProgress({ unit: 'items', total: items.length, log, message: `embedding catalog for ${id}` }) : undefined;
    const embeddings = new Float32Array(items.length * embeddingDim);
    for (let start = 0; start < items.length; start += EMBED_BATCH * 4) {
      const rows = Math.min(EMBED_BATCH * 4, items.length - start);
      embeddings.set(await embedWith(session, allPixels.subarray(start * 784, (start + rows) * 784), rows), start * embeddingDim);
      progress?.tick(rows);
    }
    progress?.done();
    const embed = performance.now() - t;

    t = performance.now();
    await adapters.vectorStore.createCollection(collection, { dimension: embeddingDim, distance: 'cosine' });
    for (let start = 0; start < items.length; start += UPSERT_BATCH) {
      const points = items.slice(start, start + UPSERT_BATCH).map((item, j) => ({
        id: item.id,
        vector: embeddings.subarray((start + j) * embeddingDim, (start + j + 1) * embeddingDim),
        payload: { label: item.label },
      }));
      await adapters.vectorStore.upsert(collection, points);
    }
    await adapters.vectorStore.setAlias(DEFAULT_LIVE_ALIAS, collection);
    const index = performance.now() - t;

    const version: PublishedVersion = { id, collection, embeddings, onnx, session, buildMs: { model, embed, index } };
    versions.set(id, version);
    live = version;
    log?.info({ version: id, items: items.length, ms: version.buildMs }, 'published model version');
    return version;
  }

  function versionOf(id: string): PublishedVersion {
    const version = versions.get(id);
    if (!version) throw new Error(`no published version ${id} (have ${[...versions.keys()].join(', ')})`);
    return version;
  }

  /** onnxruntime-node embeddings of `n` images (28×28×1 each, concatenated) with a version. */
  async function embedReference(versionId: string, pixels: ArrayLike<number>, n = 1): Promise<Float32Array[]> {
    const flat = await embedWith(versionOf(versionId).session, Float32Array.from(pixels), n);
    return Array.from({ length: n }, (_, i) => flat.subarray(i * embeddingDim, (i + 1) * embeddingDim));
  }

  /** Brute-force cosine search over a version's embeddings (float64 sums, ties by item order). */
  function exactSearch(versionId: string, query: ArrayLike<number>, k: number, filter?: SearchFilter): ReferenceHit[] {
    const { embeddings } = versionOf(versionId);
    let norm = 0;
    for (let j = 0; j < embeddingDim; j++) norm += query[j] * query[j];
    const scale = 1 / Math.sqrt(norm || 1);
    const scored: { i: number; score: number }[] = [];
    for (let i = 0; i < items.length; i++) {
      if (filter?.label !== undefined && items[i].label !== filter.label) continue;
      let s = 0;
      for (let j = 0, base = i * embeddingDim; j < embeddingDim; j++) s += query[j] * embeddings[base + j];
      scored.push({ i, score: s * scale });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    return scored.slice(0, k).map(({ i, score }) => ({ id: items[i].id, score, label: items[i].label }));
  }

  /** The stored embedding of an item in a version, from the fixture's own copy. */
  function embeddingOf(versionId: string, itemId: string): Float32Array {
    const i = items.findIndex((item) => item.id === itemId);
    if (i < 0) throw new Error(`no item ${itemId}`);
    return versionOf(versionId).embeddings.subarray(i * embeddingDim, (i + 1) * embeddingDim);
  }

  const first = await publishVersion();
  const api: RunningApi | undefined = options.startApi === false ? undefined : await startApi(config, adapters);

  return {
    dir,
    config,
    adapters,
    api,
    url: api?.url ?? '',
    items,
    embeddingDim,
    first,
    versions,
    get live(): PublishedVersion {
      return live!;
    },
    publishVersion,
    version: versionOf,
    embedReference,
    exactSearch,
    embeddingOf,
    async close() {
      await api?.close();
      await adapters.close();
      await Promise.all([...versions.values()].map((v) => v.session.release().catch(() => undefined)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type PublishedCatalog = Awaited<ReturnType<typeof startPublishedCatalog>>;
