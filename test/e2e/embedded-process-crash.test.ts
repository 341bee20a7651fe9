import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueue } from '../../src/queue';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { createEventStream } from './support/event-stream';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { inspectLiveModel } from './support/live-model';
import { readTopicContents } from './support/topic-contents';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

describe('discern start (embedded queue and stores): kill -9 mid-stream and restart on the same data dir', () => {
  let dataDir: string;
  let catalog: FashionItem[];
  const processes: DiscernProcess[] = [];

  const start = () => {
    const service = startDiscernProcess('start', {
      env: { DISCERN_QUEUE: 'embedded', DISCERN_VECTOR_STORE: 'embedded', DISCERN_DATA_DIR: dataDir, PORT: '0', DISCERN_BACKEND: 'wasm', EMBEDDING_DIM: '32' },
    });
    processes.push(service);
    return service;
  };

  beforeAll(async () => {
    [dataDir, catalog] = await Promise.all([mkdtemp(join(tmpdir(), 'discern-e2e-embedded-')), fashionItems('train', 10, 'src')]);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('consumes every event that got a 202, and the restarted service loads its model and searches', async () => {
    const stream = createEventStream(catalog, { itemsPerRequest: 25, eventsPerRequest: 20 });
    const first = start();
    let url = await first.url();

    // Stream until the trainer has checkpointed applied records, and kill it between two answers
    // while the stream goes on: everything answered 202 so far must survive.
    const atKill = await waitFor(
      'a checkpoint covering consumed records, with the stream still flowing',
      async () => {
        const response = await stream.send(url, stream.next());
        expect(response.status, JSON.stringify(response.body)).toBe(202);
        const s = await readTrainerStatus(dataDir);
        const checkpointed = s?.checkpoint?.offsets.reduce((n, o) => n + Number(o.offset), 0) ?? 0;
        const consumed = (s?.consumed.items ?? 0) + (s?.consumed.feedback ?? 0);
        return s && checkpointed > 0 && stream.accepted.items >= 150 && consumed < stream.accepted.items + stream.accepted.feedback ? s : undefined;
      },
      150_000,
      { watch: [first], intervalMs: 0 },
    );
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');
    const acceptedAtKill = { ...stream.accepted };

    // While it is down nothing is accepted.
    const down = await stream.send(url, stream.next());
    expect(down.status).toBe(0);

    const second = start();
    url = await second.url();
    for (let i = 0; i < 8; i++) {
      const response = await stream.send(url, stream.next());
      expect(response.status, JSON.stringify(response.body)).toBe(202);
    }
    const accepted = { ...stream.accepted };
    expect(accepted.items).toBeGreaterThan(acceptedAtKill.items);
    expect(accepted.feedback).toBeGreaterThan(acceptedAtKill.feedback);

    const settled = await waitFor(
      'every accepted event consumed by the restarted trainer',
      async () => {
        const s = await readTrainerStatus(dataDir);
        return s && s.pid === second.pid && s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback ? s : undefined;
      },
      120_000,
      { watch: [second] },
    );
    console.log(JSON.stringify({ acceptedAtKill, atKill: { consumed: atKill.consumed, checkpoint: atKill.checkpoint?.offsets, steps: atKill.steps }, accepted, settled: { consumed: settled.consumed, steps: settled.steps, version: settled.modelVersion } }));
    expect(settled.deadLetters).toEqual({ items: 0, feedback: 0 });
    expect(settled.embeddableItems).toBe(stream.acceptedKeys.items.size);

    // Search works on the restarted service, over items from before and after the crash.
    const lastItem = stream.acceptedItems.at(-1)!;
    await waitFor('the newest item in the live collection', async () => (await requestJson(url, 'GET', `/v1/items/${lastItem.id}`)).body?.status === 'indexed', 60_000, { watch: [second] });
    const byItem = await requestJson(url, 'POST', '/v1/search', { itemId: stream.acceptedItems[0].id, k: 5 });
    expect(byItem.status, JSON.stringify(byItem.body)).toBe(200);
    expect(byItem.body.results).toHaveLength(5);
    const byPixels = await requestJson(url, 'POST', '/v1/search', { pixels: lastItem.item.pixels, k: 5 });
    expect(byPixels.status, JSON.stringify(byPixels.body)).toBe(200);
    for (const hit of [...byItem.body.results, ...byPixels.body.results]) expect(stream.acceptedKeys.items.has(hit.id)).toBe(true);
    // The very image of the newest item is its own nearest neighbour (or ties with a copy of it).
    expect(byPixels.body.results[0].score).toBeCloseTo(1, 4);

    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const final = (await readTrainerStatus(dataDir))!;
    expect(final.phase).toBe('stopped');
    expect(final.consumed).toEqual(accepted);

    // The queue on disk holds exactly the accepted events: nothing lost, nothing extra.
    const queue = createQueue({ kind: 'embedded', dir: join(dataDir, 'queue') });
    try {
      const contents = await readTopicContents(queue, (c) => c.items.length >= accepted.items && c.feedback.length >= accepted.feedback, 30_000);
      expect(contents.items.length).toBe(accepted.items);
      expect(new Set(contents.items)).toEqual(stream.acceptedKeys.items);
      expect(new Set(contents.feedback)).toEqual(stream.acceptedKeys.feedback);
    } finally {
      await queue.close();
    }

    const live = await inspectLiveModel(dataDir, catalog.slice(0, 4));
    expect(live.collectionExists).toBe(true);
    expect(live.liveCollection).toBe(`catalog_${live.newest.id}`);
    expect(live.collectionCount).toBe(stream.acceptedKeys.items.size);
    for (const v of live.embeddings) {
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
  }, 300_000);
});
