import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { SearchRequestSchema } from '../../src/api/request-schemas';
import { pino } from 'pino';
import { startEdgeServer } from '../../functions/serve';
import { startPublishedCatalog } from '../../test/support/published-catalog';
import { createQdrantVectorStore } from '../../src/store/qdrant';
import { anonRssMiB, diskBytes, indexLikeALargeCatalog, startBenchQdrant, storesFromArgs, waitForGreen, type BenchQdrant, type BenchStore } from '../common/bench-qdrant';
import { measureStore, type StoreFigures } from './store-figures';
import type { LoadResult, LoadStep, RunningLoad } from './open-loop-load';
import { measureSearchDuringPublish, type PublishLatency } from './publish-latency';

/** The bench's own progress log at info, while the service under test logs only warnings (see bench-query.ts). */
const log = pino({ level: 'info', base: undefined, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: true })).child({ component: 'bench-query' });
const here = fileURLToPath(new URL('.', import.meta.url));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const NODE_LOADS = [50, 200, 500];
const EDGE_LOADS = [20, 50];
const K = 10;
const RECALL_QUERIES = 200;
/** Items per split (default all: 60k train + 10k test); smaller for a quick check of the bench itself. */
const LIMIT_PER_SPLIT = Number(process.env.BENCH_LIMIT_PER_SPLIT ?? Infinity);
const GOALS = { nodeP99At200Ms: 10, edgeP50Ms: 15, p99MsDuringPublish: 50, p99RatioDuringPublish: 2 };
/** Items per split seeded for the search-during-publication phase (default: as LIMIT_PER_SPLIT). */
const PUBLISH_LIMIT_PER_SPLIT = Number(process.env.BENCH_PUBLISH_LIMIT_PER_SPLIT ?? LIMIT_PER_SPLIT);
const PUBLISH_QPS = Number(process.env.BENCH_PUBLISH_QPS ?? 100);
/** Only the search-during-publication phase (a quicker run). */
const PUBLISH_ONLY = process.env.BENCH_PUBLISH_ONLY === '1';

/** Runs one load step in a child process, so the generator never shares the API's event loop. */
function loadInChild(step: LoadStep): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'open-loop-load.ts'), JSON.stringify(step)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1);
      if (code !== 0 || !last) reject(new Error(`load generator exited with ${code}`));
      else resolve(JSON.parse(last) as LoadResult);
    });
  });
}

/**
 * Starts one open-loop step in a child process that keeps sending until stopped; resolves once
 * its first request is due, so the caller's window holds no start-up gap.
 */
function startLoadInChild(step: LoadStep): Promise<RunningLoad> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'open-loop-load.ts'), JSON.stringify({ ...step, untilStopped: true })], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    let started = false;
    const result = new Promise<LoadResult>((done, fail) => {
      child.on('exit', (code) => {
        const last = out.trim().split('\n').at(-1);
        if (code !== 0 || !last || !started) fail(new Error(`load generator exited with ${code}`));
        else done(JSON.parse(last) as LoadResult);
      });
    });
    result.catch(reject);
    child.on('error', reject);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (!started && out.includes('\n')) {
        started = true;
        resolve({
          stop: () => {
            child.stdin.end('stop\n');
            return result;
          },
        });
      }
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeEach(n: number, run: (i: number) => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  return round(median(times), 3);
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** `discern start` idle and while its trainer trains and re-embeds the catalog, in one run. */
function measurePublish(): Promise<PublishLatency> {
  log.info({ qps: PUBLISH_QPS, limitPerSplit: Number.isFinite(PUBLISH_LIMIT_PER_SPLIT) ? PUBLISH_LIMIT_PER_SPLIT : 'all' }, 'search latency while the trainer publishes');
  return measureSearchDuringPublish({ limitPerSplit: PUBLISH_LIMIT_PER_SPLIT, qps: PUBLISH_QPS, idleSeconds: Math.max(SECONDS, 10), load: loadInChild, startLoad: startLoadInChild, log });
}

function publishRows(p: PublishLatency): [string, string, string, string][] {
  return [
    [`discern start /v1/search @ ${p.qps} QPS, idle (${p.items} items)`, `p50 ${p.idle.p50Ms} / p99 ${p.idle.p99Ms} ms, ${p.idle.errors} errors`, '—', ''],
    [
      `… while training + re-embedding (${p.publicationSeconds} s, re-embed ${p.reembedSeconds} s)`,
      `p50 ${p.duringPublish.p50Ms} / p99 ${p.duringPublish.p99Ms} / max ${p.duringPublish.maxMs} ms, ${p.duringPublish.errors} errors, ${p.duringPublish.dropped} dropped (${p.p99Ratio}× idle p99)`,
      `p99 ≤ ${GOALS.p99MsDuringPublish} ms and ≤ ${GOALS.p99RatioDuringPublish}× idle`,
      p.p99MsDuringPublish <= GOALS.p99MsDuringPublish && p.p99Ratio <= GOALS.p99RatioDuringPublish ? 'meets' : 'MISSES',
    ],
  ];
}

function publishFigures(p: PublishLatency) {
  return {
    p99MsIdle: p.p99MsIdle,
    p99MsDuringPublish: p.p99MsDuringPublish,
    publish: p,
    publishGoalsMet: { p99MsDuringPublish: p.p99MsDuringPublish <= GOALS.p99MsDuringPublish, p99Ratio: p.p99Ratio <= GOALS.p99RatioDuringPublish },
  };
}

function printTable(rows: [string, string, string, string][]): void {
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length), 10));
  const line = (r: string[]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padEnd(widths[2])}  ${r[3]}`;
  console.log(line(['figure', 'measured', 'goal', 'verdict']));
  console.log(line(['-'.repeat(widths[0]), '-'.repeat(widths[1]), '-'.repeat(widths[2]), '-------']));
  for (const r of rows) console.log(line(r));
}

const machine = async () => ({ cpus: (await import('node:os')).cpus().length, loadAverage: (await import('node:os')).loadavg().map((v) => round(v)) });

if (PUBLISH_ONLY) {
  const publish = await measurePublish();
  printTable(publishRows(publish));
  console.log(JSON.stringify({ ...publishFigures(publish), goals: GOALS, loadSeconds: SECONDS, ...(await machine()) }));
  process.exit(0);
}

const STORES = storesFromArgs();
const benchStarted = performance.now();
const qdrant: BenchQdrant | undefined = STORES.includes('qdrant') ? await startBenchQdrant() : undefined;
if (qdrant) log.info({ url: qdrant.url, pid: qdrant.pid }, 'Qdrant for the bench is up');

/**
 * Anonymous resident memory (heap, without memory-mapped files) and disk a Qdrant collection
 * added, per vector; only for a Qdrant the bench started.
 */
interface QdrantFootprint {
  rssBytesPerVector?: number;
  diskBytesPerVector?: number;
}

function footprint(rssBefore: number | undefined, collection: string, items: number): QdrantFootprint {
  const rssAfter = qdrant?.pid ? anonRssMiB(qdrant.pid) : undefined;
  const disk = qdrant?.storageDir ? diskBytes(join(qdrant.storageDir, 'collections', collection)) : NaN;
  return {
    ...(rssBefore !== undefined && rssAfter !== undefined ? { rssBytesPerVector: Math.round(((rssAfter - rssBefore) * 1024 * 1024) / items) } : {}),
    ...(Number.isFinite(disk) ? { diskBytesPerVector: Math.round(disk / items) } : {}),
  };
}

interface StoreRun {
  store: BenchStore;
  build: { items: number; totalS: number; modelS: number; embedS: number; indexS: number };
  ann: { state: string; readyAfterS: number };
  figures: StoreFigures;
  footprint?: QdrantFootprint;
  int8?: { figures: StoreFigures; buildS: number; footprint: QdrantFootprint };
  breakdown: Record<string, number>;
  node: Record<number, LoadResult>;
  upstreamSearch: LoadResult;
  edge: Record<number, LoadResult>;
}

/** Builds the catalog on one store and measures it: store figures in process, then the Node API and the edge under load. */
async function benchStore(kind: BenchStore): Promise<StoreRun> {
  const started = performance.now();
  const env = kind === 'qdrant' ? { DISCERN_VECTOR_STORE: 'qdrant', QDRANT_URL: qdrant!.url, ...(qdrant!.apiKey ? { QDRANT_API_KEY: qdrant!.apiKey } : {}) } : {};
  const rssBefore = qdrant?.pid ? anonRssMiB(qdrant.pid) : undefined;
  log.info({ store: kind, limitPerSplit: Number.isFinite(LIMIT_PER_SPLIT) ? LIMIT_PER_SPLIT : 'all' }, 'building the catalog: Fashion-MNIST train + test, embedded with onnxruntime-node');
  const catalog = await startPublishedCatalog({ splits: ['train', 'test'], limitPerSplit: LIMIT_PER_SPLIT, embeddingDim: 64, log, env });
  try {
    const { buildMs } = catalog.first;
    const build = { items: catalog.items.length, totalS: round((performance.now() - started) / 1000), modelS: round(buildMs.model / 1000), embedS: round(buildMs.embed / 1000), indexS: round(buildMs.index / 1000) };
    log.info({ store: kind, ...build }, 'catalog built and API started');

    // Both stores build their index in the background after a bulk load; measure steady state,
    // as a live collection is once built, and report how long the build took.
    const annStarted = performance.now();
    const vectorStore = catalog.adapters.vectorStore as typeof catalog.adapters.vectorStore & { annIdle?: (c: string) => Promise<void>; annStatus?: (c: string) => { state: string } };
    let ann: StoreRun['ann'];
    if (kind === 'qdrant') {
      await indexLikeALargeCatalog(qdrant!.url, catalog.live.collection, qdrant!.apiKey);
      const green = await waitForGreen(qdrant!.url, catalog.live.collection, qdrant!.apiKey);
      ann = { state: green.indexedVectors > 0 ? `hnsw (${green.indexedVectors} indexed, ${green.segments} segments)` : `plain scan (${green.segments} segments)`, readyAfterS: round((performance.now() - annStarted) / 1000) };
    } else {
      await vectorStore.annIdle?.(catalog.live.collection);
      ann = { state: vectorStore.annStatus?.(catalog.live.collection).state ?? 'off', readyAfterS: round((performance.now() - annStarted) / 1000) };
    }
    log.info({ store: kind, ...ann }, 'vector index ready');
    const storeFootprint = kind === 'qdrant' ? footprint(rssBefore, catalog.live.collection, build.items) : undefined;

    const version = catalog.live.id;
    const queryItems = catalog.items.filter((item) => item.id.startsWith('fmnist-test-')).slice(0, RECALL_QUERIES);
    const bodies = queryItems.map((item) => JSON.stringify({ pixels: { width: 28, height: 28, channels: 1, data: Array.from(item.pixels) }, k: K }));
    const queryVectors = queryItems.map((item) => catalog.embeddingOf(version, item.id));
    const bodiesFile = join(catalog.dir, 'query-bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(bodies));
    const exactTop10 = (query: Float32Array) => new Set(catalog.exactSearch(version, query, K).map((h) => h.id));
    const itemIds = catalog.items.map((item) => item.id);

    log.info({ store: kind, queries: queryVectors.length }, 'store figures: recall@10 against exact search, latencies of search, filtered search, batch search, recommend');
    const figures = await measureStore(vectorStore, catalog.live.collection, queryVectors, exactTop10, itemIds, 'Sneaker');
    log.info({ store: kind, ...figures }, 'store figures');

    let int8: StoreRun['int8'];
    if (kind === 'qdrant') {
      // The same vectors in an int8-quantized collection (VECTOR_QUANTIZATION=int8), measured the same way.
      const quantized = createQdrantVectorStore({ url: qdrant!.url, apiKey: qdrant!.apiKey, quantization: 'int8' });
      const name = `${catalog.live.collection}_int8`;
      const rssBeforeInt8 = qdrant?.pid ? anonRssMiB(qdrant.pid) : undefined;
      const t = performance.now();
      await quantized.createCollection(name, { dimension: catalog.embeddingDim, distance: 'cosine' });
      const embeddings = catalog.live.embeddings;
      for (let start = 0; start < catalog.items.length; start += 2000) {
        const points = catalog.items.slice(start, start + 2000).map((item, j) => ({ id: item.id, vector: embeddings.subarray((start + j) * 64, (start + j + 1) * 64), payload: { label: item.label } }));
        await quantized.upsert(name, points);
      }
      await indexLikeALargeCatalog(qdrant!.url, name, qdrant!.apiKey);
      await waitForGreen(qdrant!.url, name, qdrant!.apiKey);
      const buildS = round((performance.now() - t) / 1000);
      const int8Footprint = footprint(rssBeforeInt8, name, build.items);
      const int8Figures = await measureStore(quantized, name, queryVectors, exactTop10, itemIds, 'Sneaker');
      log.info({ store: 'qdrant int8', buildS, ...int8Figures }, 'store figures, int8-quantized collection');
      await quantized.dropCollection(name);
      await quantized.close();
      int8 = { figures: int8Figures, buildS, footprint: int8Footprint };
    }

    // Where one query's time goes, measured in process without load.
    const session = catalog.live.session;
    const oneImage = Float32Array.from(queryItems[0].pixels);
    const breakdown = {
      parseAndValidateMs: await timeEach(200, (i) => SearchRequestSchema.safeParse(JSON.parse(bodies[i % bodies.length]))),
      onnxInferenceMs: await timeEach(200, () => session.run({ [session.inputNames[0]]: new ort.Tensor('float32', oneImage, [1, 28, 28, 1]) })),
      liveAliasMs: await timeEach(200, () => vectorStore.resolveAlias('catalog')),
      listCollectionsMs: await timeEach(100, () => vectorStore.listCollections()),
    };
    log.info({ store: kind, ...breakdown }, 'per-query costs in process');

    const warmup = (url: string) => loadInChild({ url, bodiesFile, qps: 50, durationS: 1, maxInFlight: 64 });
    const node: Record<number, LoadResult> = {};
    await warmup(`${catalog.url}/v1/search`);
    for (const qps of NODE_LOADS) {
      log.info({ store: kind, qps, seconds: SECONDS }, 'Node API: open-loop load on POST /v1/search');
      node[qps] = await loadInChild({ url: `${catalog.url}/v1/search`, bodiesFile, qps, durationS: SECONDS, maxInFlight: 512 });
      log.info(node[qps], 'Node API load step done');
    }

    const vectorBodiesFile = join(catalog.dir, 'vector-bodies.json');
    writeFileSync(vectorBodiesFile, JSON.stringify(queryVectors.map((vector) => JSON.stringify({ vector: Array.from(vector), k: K }))));
    log.info({ store: kind, qps: 50 }, 'Node API: POST /v1/collections/{collection}/search (the edge\'s upstream call)');
    const upstreamSearch = await loadInChild({ url: `${catalog.url}/v1/collections/${catalog.live.collection}/search`, bodiesFile: vectorBodiesFile, qps: 50, durationS: SECONDS, maxInFlight: 256 });

    log.info({ store: kind }, 'starting the edge worker in workerd');
    // Over Qdrant the edge searches Qdrant's REST API itself; over the embedded store, the Node API.
    const edgeServer = await startEdgeServer({ port: 0, bindings: kind === 'qdrant' ? { QDRANT_URL: qdrant!.url, MODEL_BASE_URL: catalog.url } : { DISCERN_API_URL: catalog.url, MODEL_BASE_URL: catalog.url } });
    const edge: Record<number, LoadResult> = {};
    try {
      await warmup(`${edgeServer.url}/v1/search`);
      for (const qps of EDGE_LOADS) {
        log.info({ store: kind, qps, seconds: SECONDS }, 'edge (workerd): open-loop load on POST /v1/search');
        edge[qps] = await loadInChild({ url: `${edgeServer.url}/v1/search`, bodiesFile, qps, durationS: SECONDS, maxInFlight: 256 });
        log.info(edge[qps], 'edge load step done');
      }
    } finally {
      await edgeServer.close();
    }
    return { store: kind, build, ann, figures, footprint: storeFootprint, int8, breakdown, node, upstreamSearch, edge };
  } finally {
    if (kind === 'qdrant') await catalog.adapters.vectorStore.dropCollection(catalog.live.collection).catch(() => undefined);
    await catalog.close();
  }
}

const runs: StoreRun[] = [];
try {
  for (const kind of STORES) runs.push(await benchStore(kind));
} finally {
  await qdrant?.stop();
}
const publish = await measurePublish();

const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
const lat = (l: { p50Ms: number; p99Ms: number }) => `p50 ${l.p50Ms} / p99 ${l.p99Ms} ms`;
const load = (r: LoadResult) => `p50 ${r.p50Ms} / p95 ${r.p95Ms} / p99 ${r.p99Ms} ms, ${r.achievedQps} QPS, ${r.errors} err`;
type Row = { figure: string; cells: string[]; goal: string };
const columns = runs.map((r) => r.store as string);
const rows: Row[] = [];
const row = (figure: string, cell: (r: StoreRun) => string, goal = '—') => rows.push({ figure, cells: runs.map(cell), goal });
row('catalog build (items)', (r) => `${r.build.items} items: ${r.build.totalS} s (embed ${r.build.embedS} s, index ${r.build.indexS} s)`);
row('index ready after the build', (r) => `${r.ann.readyAfterS} s more (${r.ann.state})`);
row(`store recall@10 vs exact (${RECALL_QUERIES} queries)`, (r) => String(r.figures.recallAt10));
row('store search, k=10 (in process, one at a time)', (r) => lat(r.figures.search));
row('store search with a label filter', (r) => lat(r.figures.filteredSearch));
row('store batch of 10 searches (per batch)', (r) => lat(r.figures.batchSearch));
row('store recommend (2 positive, 1 negative)', (r) => lat(r.figures.recommend));
if (runs.some((r) => r.footprint)) row('Qdrant anonymous RSS / disk per vector (64-d float32)', (r) => (r.footprint ? `${r.footprint.rssBytesPerVector ?? '?'} B / ${r.footprint.diskBytesPerVector ?? '?'} B` : '—'));
if (runs.some((r) => r.int8)) {
  row('int8 quantized: recall@10 vs exact', (r) => (r.int8 ? String(r.int8.figures.recallAt10) : '—'));
  row('int8 quantized: store search', (r) => (r.int8 ? lat(r.int8.figures.search) : '—'));
  row('int8 quantized: anonymous RSS / disk per vector', (r) => (r.int8 ? `${r.int8.footprint.rssBytesPerVector ?? '?'} B / ${r.int8.footprint.diskBytesPerVector ?? '?'} B` : '—'));
}
for (const qps of NODE_LOADS) row(`Node /v1/search @ ${qps} QPS`, (r) => load(r.node[qps]) + (qps === 200 ? ` (${verdict(r.node[qps].p99Ms <= GOALS.nodeP99At200Ms)})` : ''), qps === 200 ? `p99 ≤ ${GOALS.nodeP99At200Ms} ms` : '—');
for (const qps of EDGE_LOADS) row(`edge /v1/search @ ${qps} QPS`, (r) => load(r.edge[qps]) + (qps === EDGE_LOADS[0] ? ` (${verdict(r.edge[qps].p50Ms <= GOALS.edgeP50Ms)})` : ''), qps === EDGE_LOADS[0] ? `p50 ≤ ${GOALS.edgeP50Ms} ms` : '—');
row('Node /v1/collections/…/search @ 50 QPS', (r) => `p50 ${r.upstreamSearch.p50Ms} / p99 ${r.upstreamSearch.p99Ms} ms`);
for (const name of Object.keys(runs[0].breakdown)) row(`in process: ${name.replace(/Ms$/, '')} (median)`, (r) => `${r.breakdown[name]} ms`);
// Re-embedding with 1 and 2 `reembed` workers is bench:freshness's to measure once the workers exist.

const header = ['figure', ...columns, 'goal'];
const table = [header, header.map((h) => '-'.repeat(Math.max(h.length, 5))), ...rows.map((r) => [r.figure, ...r.cells, r.goal])];
const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
for (const r of table) console.log(r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd());
console.log();
printTable(publishRows(publish));
console.log(
  JSON.stringify({
    stores: runs,
    ...publishFigures(publish),
    goals: GOALS,
    loadSeconds: SECONDS,
    totalSeconds: round((performance.now() - benchStarted) / 1000, 1),
    cpus: (await import('node:os')).cpus().length,
    loadAverage: (await import('node:os')).loadavg().map((v) => round(v)),
  }),
);
