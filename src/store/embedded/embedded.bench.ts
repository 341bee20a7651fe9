/**
 * Measures the embedded store at catalogue scale: bulk upsert, reopen, and exact top-10 search
 * latency (p50/p99), optionally with a label filter.
 *
 * @example
 * LOG_LEVEL=silent npx tsx src/store/embedded/embedded.bench.ts --points 70000 --dim 128 --queries 300
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRandom } from '../seeded-random';
import { openEmbeddedVectorStore } from './index';

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '70000' },
    dim: { type: 'string', default: '128' },
    queries: { type: 'string', default: '300' },
    batch: { type: 'string', default: '1000' },
  },
});
const points = Number(values.points);
const dim = Number(values.dim);
const queries = Number(values.queries);
const batch = Number(values.batch);
const random = seededRandom(42);
const labels = Array.from({ length: 10 }, (_, i) => `class-${i}`);
const randomVector = () => Float32Array.from({ length: dim }, () => random() * 2 - 1);

function cpuMs(usage: NodeJS.CpuUsage) {
  return Math.round((usage.user + usage.system) / 1000);
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2));
  return { p50: at(0.5), p99: at(0.99) };
}

const dir = await mkdtemp(join(tmpdir(), 'discern-bench-'));
try {
  let store = await openEmbeddedVectorStore({ dir });
  await store.createCollection('bench', { dimension: dim, distance: 'cosine' });
  let started = performance.now();
  let cpuStart = process.cpuUsage();
  for (let i = 0; i < points; i += batch) {
    const chunk = Array.from({ length: Math.min(batch, points - i) }, (_, j) => ({
      id: `item-${i + j}`,
      vector: randomVector(),
      payload: { label: labels[(i + j) % labels.length], attributes: { shard: (i + j) % 7 } },
    }));
    await store.upsert('bench', chunk);
  }
  const upsertMs = performance.now() - started;
  const upsertCpuMs = cpuMs(process.cpuUsage(cpuStart));
  await store.close();

  started = performance.now();
  cpuStart = process.cpuUsage();
  store = await openEmbeddedVectorStore({ dir });
  const reopenMs = performance.now() - started;
  const reopenCpuMs = cpuMs(process.cpuUsage(cpuStart));

  async function latencies(filter?: { label: string }) {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let q = 0; q < queries; q++) {
      const query = randomVector();
      const t = performance.now();
      const c = process.cpuUsage();
      await store.search('bench', query, { k: 10, filter });
      const used = process.cpuUsage(c);
      wall.push(performance.now() - t);
      cpu.push((used.user + used.system) / 1000);
    }
    // CPU time is what one dedicated core would take; wall time includes waiting for a core.
    return { wall: percentiles(wall), cpu: percentiles(cpu) };
  }
  await latencies();
  const exact = await latencies();
  const filtered = await latencies({ label: 'class-3' });
  console.log(JSON.stringify({ points, dim, batch, upsertMs: Math.round(upsertMs), upsertCpuMs, reopenMs: Math.round(reopenMs), reopenCpuMs, exactTop10Ms: exact, labelFilteredTop10Ms: filtered }));
  await store.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
