import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { itemSize, loadFashionMnist } from '../../src/data';
import type { Logger } from '../../src/log/logger';
import type { TrainerStatus } from '../../src/trainer/online-trainer';
import { percentile } from '../common/json-poster';
import type { LoadResult, LoadStep, RunningLoad } from './open-loop-load';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Train and test splits together. */
const FASHION_MNIST_ITEMS = 70_000;

export interface PublishLatencyOptions {
  /** Fashion-MNIST items seeded per split (Infinity: all 70k). */
  limitPerSplit: number;
  /** Offered load on `POST /v1/search` (open loop). */
  qps: number;
  /** Length of the idle measurement. */
  idleSeconds: number;
  /** Runs one load step in a child process. */
  load: (step: LoadStep) => Promise<LoadResult>;
  /** Starts one load step in a child process that runs until stopped (`durationS` caps it). */
  startLoad: (step: LoadStep) => Promise<RunningLoad>;
  log: Logger;
}

export interface PublishLatency {
  items: number;
  qps: number;
  p99MsIdle: number;
  p99MsDuringPublish: number;
  /** p99 during the publication over p99 idle, measured in the same run. */
  p99Ratio: number;
  idle: Omit<LoadResult, 'latenciesMs'>;
  duringPublish: Omit<LoadResult, 'latenciesMs'> & { seconds: number };
  /** From the feedback that triggered it to the new version being live (training, then re-embedding). */
  publicationSeconds: number;
  reembedSeconds: number;
  trainerThreads: string;
}

/** Longest wait for the publication that feedback triggers. */
const PUBLICATION_TIMEOUT_MS = 30 * 60_000;

/**
 * `/v1/search` latency of `discern start` (the API with its trainer in a worker thread), idle
 * and while the trainer trains on new feedback and re-embeds the whole seeded catalog into a new
 * version, measured in one run with the same open-loop load.
 *
 * @example
 * const figures = await measureSearchDuringPublish({ limitPerSplit: 5000, qps: 100, idleSeconds: 10, load, log });
 * figures.p99MsDuringPublish / figures.p99MsIdle;
 */
export async function measureSearchDuringPublish(options: PublishLatencyOptions): Promise<PublishLatency> {
  const { log } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'discern-bench-publish-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const service = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'start', '--seed', 'fashion-mnist', ...(Number.isFinite(options.limitPerSplit) ? ['--seed-limit', String(options.limitPerSplit)] : [])],
    // Requests are not logged (warn), so the figures measure serving, not stderr. One holdout
    // scoring without a gain ends training (TRAINER_PATIENCE=1 unless set), so the idle phase comes
    // minutes sooner on a 70k catalog; the publication measured is the same either way. The canary
    // gate stands aside (GATE_MIN_HELD_OUT unless set): the feedback posted relabels items at
    // random, and a candidate it rejected would never be re-embedded, leaving nothing to measure.
    { cwd: repoRoot, env: { TRAINER_PATIENCE: '1', GATE_MIN_HELD_OUT: '1000000000', ...process.env, PORT: String(port), HOST: '127.0.0.1', DISCERN_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const ended = new Promise<never>((_, reject) => service.once('exit', (code, signal) => reject(new Error(`discern start exited (${code ?? signal})`))));
  ended.catch(() => undefined);
  const status = async () => {
    try {
      return JSON.parse(await readFile(join(dataDir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
    } catch {
      return undefined;
    }
  };
  const sleep = (ms: number) => Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), ended]);

  try {
    const test = await loadFashionMnist({ split: 'test', limit: 200 });
    const size = itemSize(test);
    const bodiesFile = join(dataDir, 'search-bodies.json');
    const bodies = Array.from({ length: test.labels.length }, (_, i) =>
      JSON.stringify({ pixels: { width: test.width, height: test.height, channels: 1, data: Array.from(test.images.subarray(i * size, (i + 1) * size)) }, k: 10 }),
    );
    await writeFile(bodiesFile, JSON.stringify(bodies));

    // Seeded, published, and the trainer idle: not training, its loop going round (a status written
    // within 2 s: a publication in progress writes none until it is done), and nothing consumed,
    // trained or published for 3 s.
    log.info({ limitPerSplit: Number.isFinite(options.limitPerSplit) ? options.limitPerSplit : 'all' }, 'discern start --seed fashion-mnist: waiting for the seeded catalog to be live');
    const seeded = Number.isFinite(options.limitPerSplit) ? 2 * options.limitPerSplit : FASHION_MNIST_ITEMS;
    let settled: TrainerStatus | undefined;
    let lastLog = 0;
    const resting = (t: TrainerStatus) => t.training?.state !== 'active' && Date.now() - Date.parse(t.updatedAt) < 2000;
    for (;;) {
      const s = await status();
      const items = s?.embeddableItems ?? 0;
      if (s?.lastPublication && items >= seeded && s.lastPublication.items >= seeded && Date.now() - Date.parse(s.lastPublication.at) > 3000 && resting(s)) {
        await sleep(3000);
        const later = await status();
        if (later && resting(later) && later.steps === s.steps && later.publications === s.publications && later.consumed.items === s.consumed.items && later.embeddableItems === items) {
          settled = later;
          break;
        }
      }
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log.info({ consumed: s?.consumed.items ?? 0, embeddable: items, published: s?.lastPublication?.items ?? 0, version: s?.modelVersion }, 'seeding and publishing');
      }
      await sleep(1000);
    }
    const items = settled.embeddableItems;
    log.info({ items, version: settled.modelVersion }, 'catalog live; measuring idle search latency');
    await options.load({ url: `${url}/v1/search`, bodiesFile, qps: 50, durationS: 1, maxInFlight: 64 });
    const { latenciesMs: _idleLatencies, ...idle } = await options.load({ url: `${url}/v1/search`, bodiesFile, qps: options.qps, durationS: options.idleSeconds, maxInFlight: 512 });

    // Label feedback grants training steps; the trainer then publishes a version, re-embedding
    // every item. Search under load until that version is live.
    log.info('posting label feedback; measuring search latency until the next version is live');
    const events = Array.from({ length: 60 }, (_, i) => ({ type: 'label', itemId: `fmnist-train-${i}`, label: ['Light', 'Dark', 'Mid'][i % 3] }));
    // One open-loop stream at the fixed rate over the whole window: no gaps between steps.
    const running = await options.startLoad({ url: `${url}/v1/search`, bodiesFile, qps: options.qps, durationS: PUBLICATION_TIMEOUT_MS / 1000, maxInFlight: 512 });
    const triggered = Date.now();
    const posted = await fetch(`${url}/v1/feedback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events }) });
    if (posted.status !== 202) {
      await running.stop();
      throw new Error(`feedback answered ${posted.status}: ${await posted.text()}`);
    }
    let published: TrainerStatus | undefined;
    while (!published) {
      await sleep(250);
      const s = await status();
      if (s?.lastPublication && s.publications > settled.publications && Date.parse(s.lastPublication.at) > triggered) published = s;
      else if (Date.now() - triggered > PUBLICATION_TIMEOUT_MS) {
        await running.stop();
        throw new Error('no new version within 30 minutes of the feedback');
      }
    }
    const seconds = (Date.now() - triggered) / 1000;
    const round = (v: number) => Math.round(v * 100) / 100;
    const { latenciesMs: _during, ...load } = await running.stop();
    const duringPublish = { ...load, seconds: round(seconds) };
    const publicationSeconds = round((Date.parse(published.lastPublication!.at) - triggered) / 1000);
    log.info({ idleP99Ms: idle.p99Ms, duringPublish, publicationSeconds }, 'search latency during a publication measured');
    return {
      items,
      qps: options.qps,
      p99MsIdle: idle.p99Ms,
      p99MsDuringPublish: duringPublish.p99Ms,
      p99Ratio: round(duringPublish.p99Ms / idle.p99Ms),
      idle,
      duringPublish,
      publicationSeconds,
      reembedSeconds: round(published.lastPublication!.reembedSeconds),
      trainerThreads: process.env.TRAINER_THREADS ?? 'auto',
    };
  } finally {
    service.kill('SIGKILL');
    await new Promise((resolve) => (service.exitCode !== null || service.signalCode !== null ? resolve(undefined) : service.once('exit', resolve)));
    await rm(dataDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
