import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { SearchRequestSchema } from '../../src/api/request-schemas';
import { pino } from 'pino';
import { createProgress } from '../../src/progress/progress';
import { startEdgeServer } from '../../functions/serve';
import { startPublishedCatalog } from '../../test/support/published-catalog';
import type { LoadResult, LoadStep } from './open-loop-load';
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
  return measureSearchDuringPublish({ limitPerSplit: PUBLISH_LIMIT_PER_SPLIT, qps: PUBLISH_QPS, idleSeconds: Math.max(SECONDS, 10), load: loadInChild, log });
}

function publishRows(p: PublishLatency): [string, string, string, string][] {
  return [
    [`discern start /v1/search @ ${p.qps} QPS, idle (${p.items} items)`, `p50 ${p.idle.p50Ms} / p99 ${p.idle.p99Ms} ms, ${p.idle.errors} errors`, '—', ''],
    [
      `… while training + re-embedding (${p.publicationSeconds} s, re-embed ${p.reembedSeconds} s)`,
      `p50 ${p.duringPublish.p50Ms} / p99 ${p.duringPublish.p99Ms} / max ${p.duringPublish.maxMs} ms, ${p.duringPublish.errors} errors (${p.p99Ratio}× idle p99)`,
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

const started = performance.now();
log.info({ limitPerSplit: Number.isFinite(LIMIT_PER_SPLIT) ? LIMIT_PER_SPLIT : 'all' }, 'building the catalog: Fashion-MNIST train + test, embedded with onnxruntime-node');
const catalog = await startPublishedCatalog({ splits: ['train', 'test'], limitPerSplit: LIMIT_PER_SPLIT, embeddingDim: 64, log });
const { buildMs } = catalog.first;
const build = { items: catalog.items.length, totalS: round((performance.now() - started) / 1000), modelS: round(buildMs.model / 1000), embedS: round(buildMs.embed / 1000), indexS: round(buildMs.index / 1000) };
log.info(build, 'catalog built and API started');

// The embedded store builds its ANN index in the background after a bulk load; measure steady
// state, as a live collection is once built, and report how long the build took.
const annStarted = performance.now();
const store = catalog.adapters.vectorStore as { annIdle?: (collection: string) => Promise<void>; annStatus?: (collection: string) => { state: string } };
await store.annIdle?.(catalog.live.collection);
const ann = { state: store.annStatus?.(catalog.live.collection).state ?? 'off', readyAfterS: round((performance.now() - annStarted) / 1000) };
log.info(ann, 'vector index ready');

const version = catalog.live.id;
const queryItems = catalog.items.filter((item) => item.id.startsWith('fmnist-test-')).slice(0, RECALL_QUERIES);
const bodies = queryItems.map((item) => JSON.stringify({ pixels: { width: 28, height: 28, channels: 1, data: Array.from(item.pixels) }, k: K }));
const queryVectors = queryItems.map((item) => catalog.embeddingOf(version, item.id));
const bodiesFile = join(catalog.dir, 'query-bodies.json');
writeFileSync(bodiesFile, JSON.stringify(bodies));

// Recall of the store's search against brute force over the fixture's own copy of the vectors.
const recallProgress = createProgress({ unit: 'queries', total: queryItems.length, log, message: 'recall@10 against exact search' });
let found = 0;
for (const query of queryVectors) {
  const exact = new Set(catalog.exactSearch(version, query, K).map((h) => h.id));
  const hits = await catalog.adapters.vectorStore.search(catalog.live.collection, query, { k: K });
  found += hits.filter((h) => exact.has(h.id)).length;
  recallProgress.tick();
}
recallProgress.done();
const recallAt10 = round(found / (queryItems.length * K), 4);

// Where one query's time goes, measured in process without load.
const session = catalog.live.session;
const oneImage = Float32Array.from(queryItems[0].pixels);
const breakdown = {
  parseAndValidateMs: await timeEach(200, (i) => SearchRequestSchema.safeParse(JSON.parse(bodies[i % bodies.length]))),
  onnxInferenceMs: await timeEach(200, () => session.run({ [session.inputNames[0]]: new ort.Tensor('float32', oneImage, [1, 28, 28, 1]) })),
  storeSearchMs: await timeEach(200, (i) => catalog.adapters.vectorStore.search(catalog.live.collection, queryVectors[i % queryVectors.length], { k: K })),
  storeSearchFilteredMs: await timeEach(50, (i) =>
    catalog.adapters.vectorStore.search(catalog.live.collection, queryVectors[i % queryVectors.length], { k: K, filter: { label: 'Sneaker' } }),
  ),
  liveAliasMs: await timeEach(200, () => catalog.adapters.vectorStore.resolveAlias('catalog')),
  listCollectionsMs: await timeEach(200, () => catalog.adapters.vectorStore.listCollections()),
};
log.info(breakdown, 'per-query costs in process');

const warmup = (url: string) => loadInChild({ url, bodiesFile, qps: 50, durationS: 1, maxInFlight: 64 });
const node: Record<number, LoadResult> = {};
await warmup(`${catalog.url}/v1/search`);
for (const qps of NODE_LOADS) {
  log.info({ qps, seconds: SECONDS }, 'Node API: open-loop load on POST /v1/search');
  node[qps] = await loadInChild({ url: `${catalog.url}/v1/search`, bodiesFile, qps, durationS: SECONDS, maxInFlight: 512 });
  log.info(node[qps], 'Node API load step done');
}

const vectorBodiesFile = join(catalog.dir, 'vector-bodies.json');
writeFileSync(vectorBodiesFile, JSON.stringify(queryVectors.map((vector) => JSON.stringify({ vector: Array.from(vector), k: K }))));
log.info({ qps: 50 }, 'Node API: POST /v1/collections/{collection}/search (the edge\'s upstream call)');
const upstreamSearch = await loadInChild({ url: `${catalog.url}/v1/collections/${catalog.live.collection}/search`, bodiesFile: vectorBodiesFile, qps: 50, durationS: SECONDS, maxInFlight: 256 });

log.info('starting the edge worker in workerd');
const edgeServer = await startEdgeServer({ port: 0, bindings: { DISCERN_API_URL: catalog.url, MODEL_BASE_URL: catalog.url } });
const edge: Record<number, LoadResult> = {};
try {
  await warmup(`${edgeServer.url}/v1/search`);
  for (const qps of EDGE_LOADS) {
    log.info({ qps, seconds: SECONDS }, 'edge (workerd): open-loop load on POST /v1/search');
    edge[qps] = await loadInChild({ url: `${edgeServer.url}/v1/search`, bodiesFile, qps, durationS: SECONDS, maxInFlight: 256 });
    log.info(edge[qps], 'edge load step done');
  }
} finally {
  await edgeServer.close();
  await catalog.close();
}

const publish = await measurePublish();

const nodeP99At200 = node[200].p99Ms;
const edgeP50 = edge[EDGE_LOADS[0]].p50Ms;
const verdict = (ok: boolean) => (ok ? 'meets' : 'MISSES');
const rows: [string, string, string, string][] = [
  [`catalog build (${build.items} items)`, `${build.totalS} s (model ${build.modelS} s, embed ${build.embedS} s, index ${build.indexS} s)`, '—', ''],
  ['vector index (ANN) ready after the build', `${ann.readyAfterS} s more (state: ${ann.state})`, '—', ''],
  ...NODE_LOADS.map((qps): [string, string, string, string] => [
    `Node /v1/search @ ${qps} QPS`,
    `p50 ${node[qps].p50Ms} / p95 ${node[qps].p95Ms} / p99 ${node[qps].p99Ms} ms, ${node[qps].achievedQps} QPS achieved, ${node[qps].errors} errors, ${node[qps].dropped} dropped`,
    qps === 200 ? `p99 ≤ ${GOALS.nodeP99At200Ms} ms` : '—',
    qps === 200 ? verdict(nodeP99At200 <= GOALS.nodeP99At200Ms) : '',
  ]),
  ...EDGE_LOADS.map((qps): [string, string, string, string] => [
    `edge /v1/search @ ${qps} QPS`,
    `p50 ${edge[qps].p50Ms} / p95 ${edge[qps].p95Ms} / p99 ${edge[qps].p99Ms} ms, ${edge[qps].achievedQps} QPS achieved, ${edge[qps].errors} errors`,
    qps === EDGE_LOADS[0] ? `p50 ≤ ${GOALS.edgeP50Ms} ms` : '—',
    qps === EDGE_LOADS[0] ? verdict(edgeP50 <= GOALS.edgeP50Ms) : '',
  ]),
  ['Node /v1/collections/…/search @ 50 QPS', `p50 ${upstreamSearch.p50Ms} / p99 ${upstreamSearch.p99Ms} ms`, '—', ''],
  [`recall@10 vs brute force (${queryItems.length} queries)`, String(recallAt10), '—', ''],
  ...Object.entries(breakdown).map(([name, ms]): [string, string, string, string] => [`in process: ${name.replace(/Ms$/, '')} (median)`, `${ms} ms`, '—', '']),
  ...publishRows(publish),
];
printTable(rows);
console.log(
  JSON.stringify({
    build,
    ann,
    node,
    edge,
    upstreamCollectionSearch: upstreamSearch,
    recallAt10,
    breakdown,
    ...publishFigures(publish),
    goals: { ...GOALS, nodeP99At200Met: nodeP99At200 <= GOALS.nodeP99At200Ms, edgeP50Met: edgeP50 <= GOALS.edgeP50Ms },
    loadSeconds: SECONDS,
    ...(await machine()),
  }),
);
