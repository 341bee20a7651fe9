import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DEFAULT_LIVE_ALIAS } from '../../../src/core/catalog-naming';
import type { ModelVersionInfo } from '../../../src/core/model-store';
import { createModelStore, createVectorStore } from '../../../src/store';
import type { FashionItem } from './fashion-items';

export interface LiveModelReport {
  /** Collection the live alias names, and whether that collection exists. */
  liveCollection: string | undefined;
  collectionExists: boolean;
  /** Points in the live collection. */
  collectionCount: number;
  /** Newest stored model version. */
  newest: ModelVersionInfo;
  /** Embeddings of the samples by the newest version's ONNX model, one row each. */
  embeddings: Float32Array[];
}

/**
 * Opens a stopped service's data directory as the composition root lays it out (`vectors/`,
 * `models/`): resolves the live alias, checks its collection, and runs the newest model
 * version's ONNX bytes in a fresh onnxruntime-node session on the samples' pixels. The embedded
 * vector store is single-process: call this only once no discern process holds `dataDir`.
 *
 * @example
 * const report = await inspectLiveModel(dataDir, catalog.slice(0, 4));
 * report.embeddings.map((v) => Math.hypot(...v)); // ≈ 1 each
 */
export async function inspectLiveModel(dataDir: string, samples: FashionItem[]): Promise<LiveModelReport> {
  const vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dataDir, 'vectors') });
  let liveCollection: string | undefined;
  let collection: { name: string; count: number } | undefined;
  try {
    liveCollection = await vectorStore.resolveAlias(DEFAULT_LIVE_ALIAS);
    collection = (await vectorStore.listCollections()).find((c) => c.name === liveCollection);
  } finally {
    await vectorStore.close();
  }
  const modelStore = createModelStore({ kind: 'fs', dir: join(dataDir, 'models') });
  const versions = await modelStore.list();
  if (versions.length === 0) throw new Error(`no model version in ${join(dataDir, 'models')}`);
  const newest = versions.reduce((a, b) => (Number(b.id.slice(1)) > Number(a.id.slice(1)) ? b : a));
  const session = await ort.InferenceSession.create(await modelStore.onnx(newest.id), { intraOpNumThreads: 1 });
  try {
    const size = 28 * 28;
    const input = new Float32Array(samples.length * size);
    samples.forEach((s, i) => input.set(s.pixels.data, i * size));
    const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [samples.length, 28, 28, 1]) });
    const flat = result[session.outputNames[0]].data as Float32Array;
    const dim = flat.length / samples.length;
    return {
      liveCollection,
      collectionExists: collection !== undefined,
      collectionCount: collection?.count ?? 0,
      newest,
      embeddings: samples.map((_, i) => flat.slice(i * dim, (i + 1) * dim)),
    };
  } finally {
    await session.release();
  }
}

/** The live alias's collection in a stopped service's data directory, and the labels it holds. */
export interface LiveLabels {
  liveCollection: string | undefined;
  /** Item id → its label in the live collection (undefined: not there, or unlabelled). */
  labels: Map<string, string | undefined>;
}

/**
 * Reads the labels of `ids` from the live collection of a stopped service's data directory
 * (the embedded vector store is single-process: call it only once no discern process holds
 * `dataDir`), as `GET /v1/items/:id` would answer them.
 *
 * @example
 * const { labels } = await readLiveLabels(dataDir, ['ord-1']);
 * labels.get('ord-1'); // 'fixed'
 */
export async function readLiveLabels(dataDir: string, ids: string[]): Promise<LiveLabels> {
  const vectorStore = await createVectorStore({ kind: 'embedded', dir: join(dataDir, 'vectors') });
  try {
    const liveCollection = await vectorStore.resolveAlias(DEFAULT_LIVE_ALIAS);
    const labels = new Map<string, string | undefined>();
    for (const id of ids) labels.set(id, liveCollection ? (await vectorStore.get(liveCollection, id))?.payload.label : undefined);
    return { liveCollection, labels };
  } finally {
    await vectorStore.close();
  }
}
