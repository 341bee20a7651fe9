import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ImageDataset } from '../../src/data';
import type { VectorPoint } from '../../src/core/vector-store';
import { createModelStore, createVectorStore } from '../../src/store';
import { round } from '../common/results-table';

export interface ReembedCost {
  /** The store the vectors were upserted into. */
  store: 'embedded' | 'qdrant';
  version: string;
  items: number;
  ortThreads: number;
  embedWallS: number;
  embedCpuS: number;
  upsertWallS: number;
  upsertCpuS: number;
}

/**
 * Times the two halves of a publication's re-embedding on their own, in this process with the
 * service stopped: onnxruntime-node embedding every item with the newest stored model version
 * (as many intra-op threads as the service uses, ORT_THREADS, default 1), then upserting the
 * vectors into a fresh collection of the embedded store (or of `qdrant` when given), in the
 * publisher's batches of 512. CPU seconds are this process's (for Qdrant the client's, not the
 * server's); wall seconds show what the shared machine did.
 *
 * @example
 * const cost = await measureReembedCost(dataDir, [test, train]);
 */
export async function measureReembedCost(dataDir: string, datasets: ImageDataset[], qdrant?: { kind: 'qdrant'; url: string; apiKey?: string }, batch = 512): Promise<ReembedCost> {
  const modelStore = createModelStore({ kind: 'fs', dir: join(dataDir, 'models') });
  const versions = (await modelStore.list()).sort((a, b) => a.id.localeCompare(b.id));
  const info = versions.at(-1);
  if (!info) throw new Error(`no model version in ${dataDir}/models`);
  const ortThreads = Number(process.env.ORT_THREADS ?? 1);
  const session = await ort.InferenceSession.create(await modelStore.onnx(info.id), { intraOpNumThreads: ortThreads, graphOptimizationLevel: 'all' });
  const store = await createVectorStore(qdrant ?? { kind: 'embedded', dir: join(dataDir, 'reembed-cost') });
  const collection = `reembed_cost_${Date.now().toString(36)}`;
  await store.createCollection(collection, { dimension: info.embeddingDim, distance: 'cosine' });
  const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
  let embedWall = 0;
  let embedCpu = 0;
  let upsertWall = 0;
  let upsertCpu = 0;
  let items = 0;
  try {
    for (const [d, dataset] of datasets.entries()) {
      const size = dataset.height * dataset.width * dataset.channels;
      for (let start = 0; start < dataset.labels.length; start += batch) {
        const rows = Math.min(batch, dataset.labels.length - start);
        const input = Float32Array.from(dataset.images.subarray(start * size, (start + rows) * size));
        let wall = performance.now();
        let cpu = process.cpuUsage();
        const output = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, [rows, dataset.height, dataset.width, dataset.channels]) });
        const vectors = output[session.outputNames[0]].data as Float32Array;
        embedCpu += cpuS(process.cpuUsage(cpu));
        embedWall += performance.now() - wall;
        const points: VectorPoint[] = Array.from({ length: rows }, (_, i) => ({
          id: `d${d}-${start + i}`,
          vector: vectors.slice(i * info.embeddingDim, (i + 1) * info.embeddingDim),
          payload: {},
        }));
        wall = performance.now();
        cpu = process.cpuUsage();
        await store.upsert(collection, points);
        upsertCpu += cpuS(process.cpuUsage(cpu));
        upsertWall += performance.now() - wall;
        items += rows;
      }
    }
  } finally {
    await session.release();
    if (qdrant) await store.dropCollection(collection).catch(() => undefined);
    await store.close();
  }
  return {
    store: qdrant ? 'qdrant' : 'embedded',
    version: info.id,
    items,
    ortThreads,
    embedWallS: round(embedWall / 1000),
    embedCpuS: round(embedCpu),
    upsertWallS: round(upsertWall / 1000),
    upsertCpuS: round(upsertCpu),
  };
}
