import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

/** Items per Fashion-MNIST split seeded: big enough that re-embedding takes a while. */
const SEED_PER_SPLIT = 4000;

describe('discern start: search stays responsive while the trainer trains and re-embeds the catalog', () => {
  let dataDir: string;
  let service: DiscernProcess;
  let queries: FashionItem[];

  beforeAll(async () => {
    [dataDir, queries] = await Promise.all([mkdtemp(join(tmpdir(), 'discern-e2e-search-load-')), fashionItems('test', 2, 'q')]);
  });

  afterAll(async () => {
    await service?.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers sequential pixel searches quickly during a whole publication', async () => {
    service = startDiscernProcess('start', {
      // This measures search during a publication, not whether the candidate is better: the canary gate stays out of it.
      env: { DISCERN_DATA_DIR: dataDir, PORT: '0', DISCERN_BACKEND: 'wasm', EMBEDDING_DIM: '32', TRAINER_THREADS: '1', GATE_MIN_HELD_OUT: '1000000' },
      args: ['--seed', 'fashion-mnist', '--seed-limit', String(SEED_PER_SPLIT)],
    });
    const url = await service.url();
    const total = 2 * SEED_PER_SPLIT;
    const seeded = await waitFor(
      'the seeded catalog published and the trainer idle',
      async () => {
        const s = await readTrainerStatus(dataDir);
        if (!s || s.embeddableItems !== total || s.lastPublication?.items !== total) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const later = await readTrainerStatus(dataDir);
        return later && later.steps === s.steps && later.publications === s.publications ? later : undefined;
      },
      600_000,
      { watch: [service], intervalMs: 1000 },
    );

    // Label feedback grants training steps; the trainer then publishes a version, re-embedding
    // every item, while we search one request at a time.
    const events = Array.from({ length: 40 }, (_, i) => ({ type: 'label', itemId: `fmnist-train-${i}`, label: i % 2 === 0 ? 'Even' : 'Odd' }));
    expect((await requestJson(url, 'POST', '/v1/feedback', { events })).status).toBe(202);
    const latencies: number[] = [];
    let published: Awaited<ReturnType<typeof readTrainerStatus>>;
    const deadline = Date.now() + 300_000;
    for (let i = 0; Date.now() < deadline; i++) {
      const started = performance.now();
      const r = await requestJson(url, 'POST', '/v1/search', { pixels: queries[i % queries.length].pixels, k: 10 });
      latencies.push(performance.now() - started);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      if (i % 10 === 0) {
        published = await readTrainerStatus(dataDir);
        if (published && published.publications > seeded.publications) break;
      }
    }
    expect(published!.publications).toBeGreaterThan(seeded.publications);
    expect(published!.lastPublication!.items).toBe(total);
    latencies.sort((a, b) => a - b);
    const figures = {
      searches: latencies.length,
      p50Ms: Math.round(latencies[Math.floor(latencies.length / 2)]),
      p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)]),
      maxMs: Math.round(latencies.at(-1)!),
      reembedSeconds: published!.lastPublication!.reembedSeconds,
    };
    console.log(JSON.stringify(figures));
    // Loose bounds for a shared, loaded machine; bench:query measures the real figures. With the
    // trainer on the API's event loop this p99 was over 600 ms on 2 cores (each 512-row embedding
    // call blocked it); off the loop it stays under 60 ms there even at a load average of 10.
    expect(figures.searches).toBeGreaterThan(20);
    expect(figures.p50Ms).toBeLessThan(100);
    expect(figures.p99Ms).toBeLessThan(300);
    expect(figures.maxMs).toBeLessThan(1500);
  }, 900_000);
});
