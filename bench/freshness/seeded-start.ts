import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { itemSize, loadFashionMnist } from '../../src/data';
import type { Logger } from '../../src/log/logger';
import type { TrainerStatus } from '../../src/trainer/online-trainer';
import { round } from '../common/results-table';

const here = fileURLToPath(new URL('.', import.meta.url));

export interface SeededStartResult {
  items: number;
  /** Start of `npm start -- --seed fashion-mnist` → the first search answered with k hits. */
  seededFirstSearchS: number;
  /** Start → every seeded item in the live collection. */
  seededAllLiveS: number;
  /** Start → the live collection's approximate index ready (null: not within the wait). */
  seededIndexReadyS: number | null;
  /** Model versions published before every item was live (1: the growing catalog was never re-embedded). */
  publicationsUntilAllLive: number;
  /** Restart over the same data → the first search answered. */
  restartReadyS: number;
  /** Restart → the live index ready, and whether it was loaded from its file (not rebuilt). */
  restartIndexReadyS: number | null;
  restartIndexOrigin: string | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startSeededService(dataDir: string, port: number, limitPerSplit: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(here, 'service-child.ts')], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DISCERN_DATA_DIR: dataDir,
      DISCERN_SEED: 'fashion-mnist',
      ...(Number.isFinite(limitPerSplit) ? { DISCERN_SEED_LIMIT: String(limitPerSplit) } : {}),
      LOG_LEVEL: process.env.SERVICE_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited;
  clearTimeout(timer);
}

async function getJson(url: string, init?: RequestInit): Promise<{ status: number; json: any } | undefined> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, json: await res.json().catch(() => undefined) };
  } catch {
    return undefined;
  }
}

/** Seconds from `since` until `check` holds (polled every `everyMs`), or null after `timeoutS`. */
async function secondsUntil(since: number, timeoutS: number, check: () => Promise<boolean>, everyMs = 100): Promise<number | null> {
  while ((performance.now() - since) / 1000 < timeoutS) {
    if (await check()) return round((performance.now() - since) / 1000);
    await sleep(everyMs);
  }
  return null;
}

/**
 * Starts the embedded service with `--seed fashion-mnist` over a fresh data directory and times
 * the first search answer and the moment every seeded item is live; then restarts it over the
 * same data and times the first search answer again, and whether the live approximate index
 * was loaded from its file.
 *
 * @example
 * const seeded = await measureSeededStart({ limitPerSplit: Infinity, log });
 */
export async function measureSeededStart(options: { limitPerSplit: number; log: Logger; timeoutS?: number }): Promise<SeededStartResult> {
  const { limitPerSplit, log } = options;
  const timeoutS = options.timeoutS ?? 400;
  const limit = Number.isFinite(limitPerSplit) ? { limit: limitPerSplit } : {};
  const [train, test] = await Promise.all([loadFashionMnist({ split: 'train', ...limit }), loadFashionMnist({ split: 'test', ...limit })]);
  const total = train.labels.length + test.labels.length;
  const probe = Array.from(test.images.subarray(0, itemSize(test)));
  const searchBody = JSON.stringify({ pixels: { width: 28, height: 28, channels: 1, data: probe }, k: 10 });
  const dataDir = await mkdtemp(join(tmpdir(), 'discern-bench-seeded-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const answers = async () => {
    const res = await getJson(`${base}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: searchBody });
    return res?.status === 200 && res.json?.results?.length === 10;
  };
  const progress = async () => (await getJson(`${base}/v1/model`))?.json?.progress;
  const fail = (what: string) => {
    throw new Error(`timed out after ${timeoutS} s waiting for ${what}`);
  };
  try {
    log.info({ items: total, dataDir }, 'starting the service with --seed fashion-mnist');
    let started = performance.now();
    let child = startSeededService(dataDir, port, limitPerSplit);
    let result: SeededStartResult;
    try {
      const seededFirstSearchS = (await secondsUntil(started, timeoutS, answers)) ?? fail('the first search answer');
      log.info({ seededFirstSearchS }, 'first search answered');
      const seededAllLiveS = (await secondsUntil(started, timeoutS, async () => (await progress())?.liveItems === total, 250)) ?? fail('every seeded item to be live');
      const status = JSON.parse(await readFile(join(dataDir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
      log.info({ seededAllLiveS, publications: status.publications }, 'every seeded item is live');
      const seededIndexReadyS = await secondsUntil(started, timeoutS, async () => ['ready', 'off', 'rejected'].includes((await progress())?.index?.state), 500);
      result = { items: total, seededFirstSearchS, seededAllLiveS, seededIndexReadyS, publicationsUntilAllLive: status.publications, restartReadyS: NaN, restartIndexReadyS: null, restartIndexOrigin: null };
    } finally {
      await stopService(child);
    }
    log.info('restarting over the same data');
    started = performance.now();
    child = startSeededService(dataDir, port, limitPerSplit);
    try {
      result.restartReadyS = (await secondsUntil(started, timeoutS, answers, 50)) ?? fail('the first search after the restart');
      result.restartIndexReadyS = await secondsUntil(started, 120, async () => ['ready', 'off', 'rejected'].includes((await progress())?.index?.state), 100);
      result.restartIndexOrigin = (await progress())?.index?.origin ?? null;
      log.info(result, 'restart measured');
    } finally {
      await stopService(child);
    }
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
