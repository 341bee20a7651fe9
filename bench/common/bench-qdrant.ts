import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = fileURLToPath(new URL('../../infra/qdrant/', import.meta.url));

/** Which stores a benchmark runs against: `--store embedded|qdrant|both` (default embedded). */
export type BenchStore = 'embedded' | 'qdrant';

/**
 * The stores named by `--store` in `argv` (or `BENCH_STORE`), in the order they are measured.
 *
 * @example
 * storesFromArgs(['--store', 'both']); // ['embedded', 'qdrant']
 */
export function storesFromArgs(argv: string[] = process.argv.slice(2)): BenchStore[] {
  const at = argv.indexOf('--store');
  const value = at >= 0 ? argv[at + 1] : (argv.find((a) => a.startsWith('--store='))?.slice(8) ?? process.env.BENCH_STORE ?? 'embedded');
  if (value === 'both') return ['embedded', 'qdrant'];
  if (value === 'embedded' || value === 'qdrant') return [value];
  throw new Error(`--store: must be embedded, qdrant or both (got ${JSON.stringify(value)})`);
}

/** A Qdrant for a benchmark; `pid` and `storageDir` are known when the bench started it itself. */
export interface BenchQdrant {
  url: string;
  apiKey?: string;
  pid?: number;
  storageDir?: string;
  stop(): Promise<void>;
}

/**
 * `QDRANT_URL` when set, else a Qdrant started with `infra/qdrant/start.sh` on free loopback
 * ports in a temp dir (so its memory and disk can be measured), stopped and purged by `stop`.
 *
 * @example
 * const qdrant = await startBenchQdrant();
 * try { ... } finally { await qdrant.stop(); }
 */
export async function startBenchQdrant(): Promise<BenchQdrant> {
  if (process.env.QDRANT_URL) return { url: process.env.QDRANT_URL, apiKey: process.env.QDRANT_API_KEY, stop: async () => undefined };
  const dir = await mkdtemp(join(tmpdir(), 'discern-bench-qdrant-'));
  const { stdout } = await run('bash', [join(scripts, 'start.sh'), '--dir', dir], { timeout: 120_000 });
  const pidText = readFileSync(join(dir, 'qdrant.pid'), 'utf8').trim();
  return {
    url: stdout.trim().split('\n').at(-1)!,
    pid: /^\d+$/.test(pidText) ? Number(pidText) : undefined,
    storageDir: join(dir, 'storage'),
    stop: () => run('bash', [join(scripts, 'stop.sh'), '--dir', dir, '--purge'], { timeout: 60_000 }).then(() => undefined),
  };
}

/**
 * Bytes under a directory (`du -sb`), or NaN when it cannot be read.
 *
 * @example
 * diskBytes('/tmp/qdrant/storage/collections/catalog_v000001');
 */
export function diskBytes(dir: string): number {
  try {
    return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
  } catch {
    return NaN;
  }
}

/**
 * Waits until Qdrant has finished optimizing a collection (status green: segments merged,
 * HNSW and quantized vectors built), so latency and recall are those of the built index.
 *
 * @example
 * await waitForGreen(qdrant.url, 'catalog_v000001');
 */
export async function waitForGreen(url: string, collection: string, apiKey?: string, timeoutMs = 600_000): Promise<{ indexedVectors: number; segments: number }> {
  const deadline = Date.now() + timeoutMs;
  const headers = apiKey ? { 'api-key': apiKey } : undefined;
  for (;;) {
    const res = await fetch(`${url}/collections/${encodeURIComponent(collection)}`, { headers });
    const { result } = (await res.json()) as { result: { status: string; indexed_vectors_count?: number; segments_count: number } };
    if (result.status === 'green') return { indexedVectors: result.indexed_vectors_count ?? 0, segments: result.segments_count };
    if (Date.now() > deadline) throw new Error(`collection ${collection} still ${result.status} after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * A process's anonymous resident memory in MiB (`RssAnon` in `/proc/<pid>/status`): its heap,
 * without the file pages it has mapped (Qdrant's memory-mapped on-disk vectors), which the
 * kernel may drop and read again. Undefined once the process is gone.
 *
 * @example
 * anonRssMiB(qdrant.pid!);
 */
export function anonRssMiB(pid: number): number | undefined {
  try {
    const kib = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Lowers a collection's indexing threshold so Qdrant builds its HNSW index (and quantized
 * vectors) at a benchmark's size, as it does for a large catalog: the service's collections
 * keep plain segments up to 20 MB of vectors each (about 78 000 vectors of 64 dimensions).
 *
 * @example
 * await indexLikeALargeCatalog(qdrant.url, 'catalog_v000001');
 */
export async function indexLikeALargeCatalog(url: string, collection: string, apiKey?: string): Promise<void> {
  const res = await fetch(`${url}/collections/${encodeURIComponent(collection)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...(apiKey ? { 'api-key': apiKey } : {}) },
    body: JSON.stringify({ optimizers_config: { indexing_threshold: 1000 } }),
  });
  if (!res.ok) throw new Error(`PATCH /collections/${collection}: HTTP ${res.status} ${await res.text()}`);
}
