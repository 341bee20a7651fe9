/**
 * Measures events accepted per second over real HTTP (batches of 1000, several requests in
 * flight) with the in-memory queue, so the number is the API's own cost: parsing, validation,
 * record serialisation and response. The load generator runs in a separate process, so the
 * server's CPU time per event (what bounds throughput on a dedicated machine) is measured
 * apart from the wall-clock rate, which other load on the machine distorts.
 *
 *   LOG_LEVEL=silent npx tsx bench/ingest/api-throughput.ts [seconds=5] [concurrency=4]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig } from '../../src/config/load-config';
import { openEmbeddedVectorStore } from '../../src/store/embedded';
import { createApp } from '../../src/api/app';
import { DeadLetterView } from '../../src/api/dead-letters/dead-letter-view';
import { createInMemoryQueue } from '../../test/support/api/in-memory-queue';
import { createProjectionModelCatalog } from '../../test/support/api/projection-model-catalog';
import { serveForTest } from '../../test/support/api/serve-for-test';
import { createSharpImageDecoder } from '../../src/image-decoding/sharp-image-decoder';

const seconds = Number(process.argv[2] ?? 5);
const concurrency = Number(process.argv[3] ?? 4);
const BATCH = 1000;

const LOAD = `
const { url, bodyFile, seconds, concurrency } = JSON.parse(process.argv[1]);
const body = require('node:fs').readFileSync(bodyFile, 'utf8');
(async () => {
  const deadline = Date.now() + seconds * 1000;
  let ok = 0, failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < deadline) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = await res.json();
      if (res.status === 202) ok += json.accepted; else failed++;
    }
  }));
  process.stdout.write(JSON.stringify({ ok, failed, ms: performance.now() - started }));
})();
`;

async function run(url: string, body: string): Promise<{ ok: number; failed: number; ms: number; serverCpuMs: number }> {
  const bodyFile = join(dir, 'body.json');
  await writeFile(bodyFile, body);
  const cpuBefore = process.cpuUsage();
  const child = spawn(process.execPath, ['-e', LOAD, JSON.stringify({ url, bodyFile, seconds, concurrency })], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  await new Promise((resolve) => child.once('exit', resolve));
  const cpu = process.cpuUsage(cpuBefore);
  return { ...JSON.parse(out), serverCpuMs: (cpu.user + cpu.system) / 1000 };
}

const dir = await mkdtemp(join(tmpdir(), 'discern-throughput-'));
const queue = createInMemoryQueue();
const vectorStore = await openEmbeddedVectorStore({ dir });
const app = createApp({ imageDecoder: createSharpImageDecoder(),
  queue,
  vectorStore,
  models: createProjectionModelCatalog({}),
  config: loadConfig({ MAX_BATCH_ITEMS: String(BATCH) }),
  metrics: new Registry(),
  logger: pino({ level: 'silent' }),
  // Ingest alone is measured: no dead letters to follow.
  deadLetters: new DeadLetterView(1),
});
const server = await serveForTest(app.fetch);

const kinds = ['label', 'pair', 'triplet'] as const;
const feedback = JSON.stringify({
  events: Array.from({ length: BATCH }, (_, i) => {
    const type = kinds[i % 3];
    if (type === 'label') return { type, itemId: `item-${i}`, label: `class-${i % 10}` };
    if (type === 'pair') return { type, a: `item-${i}`, b: `item-${i + 1}`, similar: i % 2 === 0, weight: 1.5 };
    return { type, anchor: `item-${i}`, positive: `item-${i + 1}`, negative: `item-${i + 2}` };
  }),
});
const vectors = JSON.stringify({
  items: Array.from({ length: BATCH }, (_, i) => ({ id: `v-${i}`, label: `c${i % 10}`, vector: Array.from({ length: 128 }, (_, j) => Math.sin(i + j)) })),
});
const pixels = JSON.stringify({
  items: Array.from({ length: BATCH }, (_, i) => ({
    id: `p-${i}`,
    label: `c${i % 10}`,
    pixels: { width: 28, height: 28, channels: 1, data: Array.from({ length: 784 }, (_, j) => (i * 7 + j) % 256) },
  })),
});

for (const [name, url, body] of [
  ['feedback (label/pair/triplet mix)', `${server.url}/v1/feedback`, feedback],
  ['items with 128-d vectors', `${server.url}/v1/items`, vectors],
  ['items with 28×28 pixels', `${server.url}/v1/items`, pixels],
] as const) {
  const r = await run(url, body);
  const perSecond = (r.ok / r.ms) * 1000;
  const perCpuSecond = (r.ok / r.serverCpuMs) * 1000;
  console.log(
    `${name}: ${Math.round(perSecond)} events/s wall-clock, ${Math.round(perCpuSecond)} events per server CPU-second ` +
      `(${r.ok} in ${(r.ms / 1000).toFixed(1)} s, ${(body.length / 1024).toFixed(0)} KiB per request, ${r.failed} failed)`,
  );
}
console.log(`queue holds ${queue.records.feedback.length} feedback and ${queue.records.items.length} item records`);
await server.close();
await vectorStore.close();
await rm(dir, { recursive: true, force: true });
