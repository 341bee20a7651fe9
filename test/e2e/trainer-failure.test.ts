import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { createEventStream } from './support/event-stream';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { metricValue } from './support/prometheus-text';
import { mountTmpfs, type Tmpfs } from './support/tmpfs';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

/** Too small for one encoder checkpoint: every checkpoint fails with ENOSPC. */
const FULL_DISK = '16k';

describe('a trainer whose disk is full (a real tmpfs under its checkpoints)', () => {
  let catalog: FashionItem[];
  const processes: DiscernProcess[] = [];
  const disks: Tmpfs[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    catalog = await fashionItems('train', 6, 'src');
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.kill('SIGKILL')));
    for (const disk of disks.splice(0)) await disk.unmount();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function dataDirWithFullTrainerDisk(): Promise<{ dataDir: string; disk: Tmpfs }> {
    const dataDir = await mkdtemp(join(tmpdir(), 'discern-e2e-disk-full-'));
    dirs.push(dataDir);
    const disk = await mountTmpfs(join(dataDir, 'trainer'), FULL_DISK);
    disks.push(disk);
    return { dataDir, disk };
  }

  const baseEnv = (dataDir: string) => ({
    DISCERN_QUEUE: 'embedded',
    DISCERN_VECTOR_STORE: 'embedded',
    DISCERN_DATA_DIR: dataDir,
    PORT: '0',
    DISCERN_BACKEND: 'wasm',
    EMBEDDING_DIM: '32',
  });

  it('npm start: restarts it with backoff, counts the restarts, turns /readyz 503 with the reason, and recovers with nothing lost once space is freed', async () => {
    const { dataDir, disk } = await dataDirWithFullTrainerDisk();
    const service = startDiscernProcess('start', {
      env: {
        ...baseEnv(dataDir),
        TRAINER_MAX_FAILURES: '2',
        TRAINER_FAILURE_WINDOW_SECONDS: '600',
        TRAINER_RESTART_BACKOFF_SECONDS: '0.5',
        TRAINER_RESTART_BACKOFF_MAX_SECONDS: '1',
      },
    });
    processes.push(service);
    const url = await service.url();
    const stream = createEventStream(catalog, { itemsPerRequest: 10, eventsPerRequest: 10 });
    for (let i = 0; i < 4; i++) expect((await stream.send(url, stream.next())).status).toBe(202);

    // The trainer fails at its first checkpoint; each failure is a restart in /metrics.
    const scrape = async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return { restarts: metricValue(text, 'discern_trainer_restarts_total') ?? 0, failures: metricValue(text, 'discern_trainer_recent_failures') ?? 0, up: metricValue(text, 'discern_trainer_up') };
    };
    await waitFor('a trainer restart counted in /metrics', async () => (await scrape()).restarts >= 1, 120_000, { watch: [service], intervalMs: 250 });

    // Once it has failed TRAINER_MAX_FAILURES times, readiness fails within 5 s and says why.
    await waitFor('two trainer failures in /metrics', async () => (await scrape()).failures >= 2, 120_000, { watch: [service], intervalMs: 100 });
    const failingSince = Date.now();
    const notReady = await waitFor(
      '/readyz 503',
      async () => {
        const r = await requestJson(url, 'GET', '/readyz');
        return r.status === 503 ? r : undefined;
      },
      5_000,
      { watch: [service], intervalMs: 100 },
    );
    const notReadyAfterMs = Date.now() - failingSince;
    expect(notReadyAfterMs).toBeLessThan(5_000);
    expect(notReady.body.status).toBe('unavailable');
    expect(notReady.body.reason).toMatch(/^trainer: trainer failed \d+ times/);
    expect(notReady.body.reason).toMatch(/ENOSPC|no space/i);
    expect(notReady.body.checks.trainer).toMatchObject({ ok: false, state: 'failing' });
    expect(notReady.body.checks.queue.ok).toBe(true);
    expect((await scrape()).up).toBe(0);

    // The API keeps accepting events durably meanwhile.
    for (let i = 0; i < 4; i++) expect((await stream.send(url, stream.next())).status).toBe(202);

    // Space is freed: the next restart checkpoints, publishes, and applies every accepted event.
    await disk.resize('64m');
    const freedAt = Date.now();
    await waitFor('/readyz 200 again', async () => (await requestJson(url, 'GET', '/readyz')).status === 200, 120_000, { watch: [service], intervalMs: 250 });
    const readyAgainAfterS = (Date.now() - freedAt) / 1000;
    for (let i = 0; i < 2; i++) expect((await stream.send(url, stream.next())).status).toBe(202);
    const accepted = { ...stream.accepted };
    const settled = await waitFor(
      'every accepted event applied',
      async () => {
        const s = await readTrainerStatus(dataDir);
        return s && s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback && s.embeddableItems === stream.acceptedKeys.items.size ? s : undefined;
      },
      120_000,
      { watch: [service], intervalMs: 250 },
    );
    expect(settled.deadLetters).toEqual({ items: 0, feedback: 0 });
    for (const { id } of stream.acceptedItems) {
      await waitFor(`item ${id} in the live collection`, async () => (await requestJson(url, 'GET', `/v1/items/${id}`)).status === 200, 60_000, { watch: [service] });
    }
    // The restarted trainer reports its publication age with its next heartbeat, which may lag the status file.
    const ready = await waitFor(
      "readiness with the restarted trainer's publication age",
      async () => {
        const r = await requestJson(url, 'GET', '/readyz');
        return typeof r.body?.checks?.trainer?.lastPublicationAgeSeconds === 'number' ? r : undefined;
      },
      30_000,
      { watch: [service] },
    );
    expect(ready.body.checks.trainer).toMatchObject({ ok: true, state: 'running' });
    expect(ready.body.checks.trainer.restarts).toBeGreaterThanOrEqual(2);
    expect(ready.body.checks.trainer.lastPublicationAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(ready.body.checks.trainer.heartbeatAgeSeconds).toBeLessThan(30);
    expect((await scrape()).up).toBe(1);
    console.log(JSON.stringify({ notReadyAfterMs, readyAgainAfterS, restarts: ready.body.checks.trainer.restarts, accepted, consumed: settled.consumed }));
  }, 300_000);

  it('discern trainer: exits with a non-zero status', async () => {
    const { dataDir } = await dataDirWithFullTrainerDisk();
    const trainer = startDiscernProcess('trainer', { env: baseEnv(dataDir) });
    processes.push(trainer);
    const exit = await Promise.race([trainer.exited(), new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 120_000))]);
    expect(exit, trainer.logTail()).not.toBe('running');
    expect(exit).toMatchObject({ code: 1, signal: null });
    expect(trainer.logTail()).toMatch(/ENOSPC|no space/i);
  }, 180_000);
});
