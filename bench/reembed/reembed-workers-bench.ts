import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { collectionForVersion, DEFAULT_LIVE_ALIAS } from '../../src/core/catalog-naming';
import { itemSize, loadFashionMnist } from '../../src/data';
import { thumbnailCnnConfig } from '../../src/encoder/default-configs';
import { createEncoder } from '../../src/encoder/encoder';
import { exportToOnnx } from '../../src/onnx';
import { createCatalogEmbedder, type CatalogEmbedder, type CatalogEmbedding, type CatalogRow } from '../../src/catalog-embedding/catalog-embedder';
import { createQueueCatalogEmbedder } from '../../src/reembed/queue-catalog-embedder';
import { createOnnxModelRuntime } from '../../src/serve/onnx-model-runtime';
import { createAdapters } from '../../src/service/create-adapters';
import { startDiscernProcess, type DiscernProcess } from '../../test/e2e/support/discern-process';
import { waitFor } from '../../test/e2e/support/wait-for';
import { startKafka } from '../../test/support/kafka';
import { startQdrant } from '../../test/support/qdrant';
import { benchLog } from '../common/bench-log';
import { printResultsTable, round } from '../common/results-table';

const ITEMS = Number(process.env.BENCH_REEMBED_ITEMS ?? 10_000);
const ORT_THREADS = process.env.ORT_THREADS ?? '1';
const EMBEDDING_DIM = 128;
const ROW_SHAPE = [28, 28, 1];
const WARMUP_ITEMS = 64;
const log = benchLog('bench-reembed');

log.info({ items: ITEMS }, 'starting Kafka and Qdrant, loading Fashion-MNIST');
const [kafka, qdrant, dataDir, dataset] = await Promise.all([
  startKafka(),
  startQdrant(),
  mkdtemp(join(tmpdir(), 'discern-bench-reembed-')),
  loadFashionMnist({ split: 'train', limit: ITEMS }),
]);
// The bench and the workers share one data directory, so they read the same filesystem model store.
const env: Record<string, string> = {
  DISCERN_DATA_DIR: dataDir,
  DISCERN_QUEUE: 'kafka',
  KAFKA_BROKERS: kafka.brokers,
  KAFKA_TOPIC_PREFIX: `bench-reembed-${randomUUID().slice(0, 8)}`,
  DISCERN_VECTOR_STORE: 'qdrant',
  QDRANT_URL: qdrant.url,
  ...(qdrant.apiKey ? { QDRANT_API_KEY: qdrant.apiKey } : {}),
  ORT_THREADS,
  LOG_LEVEL: 'warn',
};
const config = loadConfig(env);
const adapters = await createAdapters(config);
const runtime = createOnnxModelRuntime(adapters.modelStore, { threads: Number(ORT_THREADS) });
const workers: DiscernProcess[] = [];
/** Batches the trainer keeps in flight (REEMBED_SESSIONS, 0: one per core). */
const SESSIONS = config.trainer.reembedSessions || availableParallelism();

const size = itemSize(dataset);
const items: CatalogRow[] = Array.from({ length: dataset.labels.length }, (_, i) => ({
  id: `fmnist-train-${i}`,
  input: Float32Array.from(dataset.images.subarray(i * size, (i + 1) * size)),
  payload: { label: dataset.classNames[dataset.labels[i]] },
}));

/** One model version per measurement (the same weights), so no run reuses another's loaded session or replies. */
async function storeVersion(id: string, onnx: Uint8Array): Promise<void> {
  await adapters.modelStore.put({ id, createdAt: new Date().toISOString(), step: 1, embeddingDim: EMBEDDING_DIM, input: { height: 28, width: 28, channels: 1 }, extra: { bench: 'reembed' } }, onnx);
}

/**
 * Fills a fresh collection for `version` with every item; the wall seconds from the first task to
 * the last point. A few items go through the same embedder first, into a scratch collection, so
 * one-time costs (the reply consumer joining its group, topics created, each worker loading the
 * version) are not counted: a running trainer and its workers have paid them already.
 */
async function timeEmbedding(name: string, version: string, embedder: CatalogEmbedder): Promise<{ seconds: number; result: CatalogEmbedding }> {
  const warmup = `bench_warmup_${version}`;
  await adapters.vectorStore.createCollection(warmup, { dimension: EMBEDDING_DIM, distance: 'cosine' });
  await embedder.embedCatalog({ version, collection: warmup, rows: items.slice(0, WARMUP_ITEMS), rowShape: ROW_SHAPE });
  const collection = collectionForVersion(DEFAULT_LIVE_ALIAS, version);
  await adapters.vectorStore.createCollection(collection, { dimension: EMBEDDING_DIM, distance: 'cosine' });
  log.info({ run: name, version, items: items.length }, 're-embedding');
  const start = performance.now();
  const result = await embedder.embedCatalog({ version, collection, rows: items, rowShape: ROW_SHAPE });
  const seconds = (performance.now() - start) / 1000;
  if (result.written !== items.length) throw new Error(`${name}: ${result.written} points written, expected ${items.length}`);
  if (result.shares && result.shares.byTrainer > 0) throw new Error(`${name}: ${result.shares.byTrainer} shares fell back to the trainer`);
  log.info({ run: name, seconds: round(seconds), ...result }, 're-embedded');
  return { seconds, result };
}

/** Starts `count` more `discern reembed` processes and waits until all of them take tasks. */
async function startWorkers(count: number): Promise<void> {
  for (let i = 0; i < count; i++) workers.push(startDiscernProcess('reembed', { env: { ...env, LOG_LEVEL: 'info' } }));
  await waitFor(`${workers.length} re-embed workers started`, () => workers.every((w) => w.logged('re-embed worker started')), 120_000, { watch: workers });
}

/** The catalog spread over the running workers, as the trainer does with REEMBED_WORKERS set. */
function workerEmbedder(count: number): CatalogEmbedder {
  return createQueueCatalogEmbedder({
    queue: adapters.queue,
    vectorStore: adapters.vectorStore,
    runtime,
    shareItems: config.reembed.shareItems,
    minShares: count * 4,
    timeoutMs: 600_000,
    group: `bench-reembed-done-${count}`,
    log,
  });
}

try {
  // The service trainer's encoder (thumbnail CNN, pooled trunk, 128-wide head), untrained: the same cost per item as a trained one.
  await tf.setBackend('cpu');
  const encoder = createEncoder(thumbnailCnnConfig({ head: { hidden: [128], dim: EMBEDDING_DIM } }));
  const onnx = exportToOnnx({ frozen: encoder.featureExtractor, head: encoder.head }, { docString: 'discern re-embed bench' });
  for (const version of ['v000001', 'v000002', 'v000003', 'v000004']) await storeVersion(version, onnx);

  const local = await timeEmbedding('local', 'v000001', createCatalogEmbedder({ runtime, vectorStore: adapters.vectorStore, batchSize: 512, log }));
  const inFlight = await timeEmbedding(`local, ${SESSIONS} batches in flight`, 'v000004', createCatalogEmbedder({ runtime, vectorStore: adapters.vectorStore, batchSize: 512, sessions: SESSIONS, log }));
  await startWorkers(1);
  const one = await timeEmbedding('1 worker', 'v000002', workerEmbedder(1));
  await startWorkers(1);
  const two = await timeEmbedding('2 workers', 'v000003', workerEmbedder(2));

  const load = loadavg().map((v) => round(v));
  const rate = (s: number) => `${Math.round(items.length / s)} items/s`;
  printResultsTable([
    [`re-embed + index ${items.length} items, trainer alone`, `${round(local.seconds)} s (${rate(local.seconds)})`, '—', ''],
    [`  ${SESSIONS} batches in flight (REEMBED_SESSIONS)`, `${round(inFlight.seconds)} s (${rate(inFlight.seconds)})`, '—', ''],
    [`  with 1 re-embed worker (${one.result.shares!.total} shares)`, `${round(one.seconds)} s (${rate(one.seconds)})`, '—', ''],
    [`  with 2 re-embed workers (${two.result.shares!.total} shares)`, `${round(two.seconds)} s (${rate(two.seconds)})`, '—', ''],
    ['machine', `${cpus().length} CPUs, load average ${load.join(' / ')}; ORT_THREADS ${ORT_THREADS} per embedder`, '', ''],
  ]);
  console.log(
    JSON.stringify({
      items: items.length,
      embeddingDim: EMBEDDING_DIM,
      ortThreads: Number(ORT_THREADS),
      reembedSeconds: { local: round(local.seconds), localInFlight: round(inFlight.seconds), workers1: round(one.seconds), workers2: round(two.seconds) },
      sessions: SESSIONS,
      shares: { workers1: one.result.shares, workers2: two.result.shares },
      cpus: cpus().length,
      loadAverage: load,
    }),
  );
} finally {
  await Promise.all(workers.map((w) => w.kill('SIGTERM', 10_000)));
  await runtime.close();
  await adapters.close();
  await kafka.stop();
  await qdrant.stop();
  await rm(dataDir, { recursive: true, force: true });
}
