/**
 * Measures the embedded store at catalogue scale: bulk upsert until the approximate index has
 * caught up, reopen and index rebuild, and top-10 search latency (p50/p99 wall and CPU) for the
 * exact scan, the approximate index and a label-filtered search, with the index's recall@10
 * against the exact scan. `--data fmnist` uses projected Fashion-MNIST images (queries are
 * images left out of the collection); `--data random` uses uniform random vectors.
 *
 * @example
 * LOG_LEVEL=silent npx tsx bench/query/embedded-store-bench.ts --points 70000 --dim 64 --data fmnist
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SearchFilter } from '../../src/core/vector-store';
import { seededRandom } from '../../src/store/seeded-random';
import { openEmbeddedVectorStore, type EmbeddedVectorStore } from '../../src/store/embedded/index';
import { projectedFashionMnist } from '../../src/store/embedded/testing/projected-fashion-mnist';

const FASHION_MNIST_IMAGES = 70_000;

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '70000' },
    dim: { type: 'string', default: '128' },
    queries: { type: 'string', default: '300' },
    batch: { type: 'string', default: '1000' },
    data: { type: 'string', default: 'fmnist' },
    'expansion-search': { type: 'string' },
    'build-threads': { type: 'string' },
    'slice-ms': { type: 'string' },
  },
});
const dim = Number(values.dim);
const queryCount = Number(values.queries);
const batch = Number(values.batch);
const fmnist = values.data === 'fmnist';
if (!fmnist && values.data !== 'random') throw new Error(`--data: must be fmnist or random (got ${values.data})`);
// Fashion-MNIST queries are images the collection does not hold.
const points = fmnist ? Math.min(Number(values.points), FASHION_MNIST_IMAGES - queryCount) : Number(values.points);
const annOptions = {
  annExpansionSearch: values['expansion-search'] === undefined ? undefined : Number(values['expansion-search']),
  annBuildThreads: values['build-threads'] === undefined ? undefined : Number(values['build-threads']),
  annBuildSliceMs: values['slice-ms'] === undefined ? undefined : Number(values['slice-ms']),
};
const random = seededRandom(42);
const labels = Array.from({ length: 10 }, (_, i) => `class-${i}`);
const randomVectors = (count: number) => Array.from({ length: count }, () => Float32Array.from({ length: dim }, () => random() * 2 - 1));

function cpuMs(usage: NodeJS.CpuUsage) {
  return Math.round((usage.user + usage.system) / 1000);
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(3));
  return { p50: at(0.5), p99: at(0.99) };
}

const catalog = fmnist ? await projectedFashionMnist({ count: points, dimension: dim }) : randomVectors(points);
const queries = fmnist ? await projectedFashionMnist({ offset: FASHION_MNIST_IMAGES - queryCount, count: queryCount, dimension: dim }) : randomVectors(queryCount);

/** Runs every query twice (the first pass warms up) and returns the second pass's ids and timings. */
async function latencies(store: EmbeddedVectorStore, filter?: SearchFilter) {
  let ids: string[][] = [];
  let wall: number[] = [];
  let cpu: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    ids = [];
    wall = [];
    cpu = [];
    for (const query of queries) {
      const t = performance.now();
      const c = process.cpuUsage();
      const hits = await store.search('bench', query, { k: 10, filter });
      const used = process.cpuUsage(c);
      wall.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
      ids.push(hits.map((h) => h.id));
    }
  }
  // CPU time is what one dedicated core would take; wall time includes waiting for a core.
  return { ids, ms: { wall: percentiles(wall), cpu: percentiles(cpu) } };
}

const dir = await mkdtemp(join(tmpdir(), 'discern-bench-'));
try {
  let store = await openEmbeddedVectorStore({ dir, ...annOptions });
  await store.createCollection('bench', { dimension: dim, distance: 'cosine' });
  let started = performance.now();
  let cpuStart = process.cpuUsage();
  for (let i = 0; i < points; i += batch) {
    const chunk = catalog.slice(i, i + batch).map((vector, j) => ({
      id: `item-${i + j}`,
      vector,
      payload: { label: labels[(i + j) % labels.length], attributes: { shard: (i + j) % 7 } },
    }));
    await store.upsert('bench', chunk);
  }
  const upsertMs = Math.round(performance.now() - started);
  await store.annIdle('bench');
  const upsertAndIndexMs = Math.round(performance.now() - started);
  const upsertAndIndexCpuMs = cpuMs(process.cpuUsage(cpuStart));
  await store.close();

  started = performance.now();
  store = await openEmbeddedVectorStore({ dir, annThreshold: Infinity });
  const reopenMs = Math.round(performance.now() - started);
  await latencies(store);
  const exact = await latencies(store);
  const filtered = await latencies(store, { label: 'class-3' });
  await store.close();

  started = performance.now();
  cpuStart = process.cpuUsage();
  store = await openEmbeddedVectorStore({ dir, ...annOptions });
  await store.annIdle('bench');
  const reopenAndRebuildMs = Math.round(performance.now() - started);
  const reopenAndRebuildCpuMs = cpuMs(process.cpuUsage(cpuStart));
  const ann = await latencies(store);
  const served = store.annStatus('bench').served;
  let found = 0;
  ann.ids.forEach((ids, q) => {
    const wanted = new Set(exact.ids[q]);
    found += ids.filter((id) => wanted.has(id)).length;
  });
  await store.close();

  console.log(
    JSON.stringify({
      data: values.data,
      points,
      dim,
      batch,
      queries: queryCount,
      upsertMs,
      upsertAndIndexMs,
      upsertAndIndexCpuMs,
      reopenExactOnlyMs: reopenMs,
      reopenAndRebuildMs,
      reopenAndRebuildCpuMs,
      exactTop10Ms: exact.ms,
      annTop10Ms: ann.ms,
      annServed: served,
      annRecallAt10: Number((found / (queryCount * 10)).toFixed(4)),
      labelFilteredTop10Ms: filtered.ms,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
