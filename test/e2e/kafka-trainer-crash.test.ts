import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { createEventStream, type EventStream } from './support/event-stream';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { inspectLiveModel } from './support/live-model';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

/**
 * Sends the stream's requests one after another, `pauseMs` apart (a steady client, not a flood
 * on a shared machine), until `stop()`; any answer but 202 fails it.
 */
function streamInBackground(stream: EventStream, url: string, pauseMs: number) {
  let running = true;
  let requests = 0;
  let failure: Error | undefined;
  const done = (async () => {
    while (running) {
      const response = await stream.send(url, stream.next());
      if (response.status !== 202) throw new Error(`the API answered ${response.status}: ${JSON.stringify(response.body)}`);
      requests++;
      if (running) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();
  done.catch((error) => (failure = error));
  return {
    alive: () => failure === undefined,
    describe: () => 'the event stream',
    logTail: () => String(failure?.message),
    get requests() {
      return requests;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

describe('discern trainer on Kafka: kill -9 mid-stream and restart', () => {
  let kafka: KafkaBroker;
  let apiDir: string;
  let trainerDir: string;
  let catalog: FashionItem[];
  const processes: DiscernProcess[] = [];

  beforeAll(async () => {
    [kafka, apiDir, trainerDir, catalog] = await Promise.all([
      startKafka(),
      mkdtemp(join(tmpdir(), 'discern-e2e-api-')),
      mkdtemp(join(tmpdir(), 'discern-e2e-trainer-')),
      fashionItems('train', 10, 'src'),
    ]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await kafka?.stop();
    await Promise.all([apiDir, trainerDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('consumes every accepted event after the restart, and leaves a loadable model behind a live collection', async () => {
    const kafkaEnv = { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: `e2e-${randomUUID().slice(0, 8)}`, KAFKA_PARTITIONS: '2' };
    const start = (command: 'api' | 'trainer', dataDir: string) => {
      const p = startDiscernProcess(command, { env: { ...kafkaEnv, DISCERN_DATA_DIR: dataDir, PORT: '0', DISCERN_BACKEND: 'wasm', EMBEDDING_DIM: '32' } });
      processes.push(p);
      return p;
    };
    // The API creates the topics before it listens; the trainer starts after that.
    const api = start('api', apiDir);
    const url = await api.url();
    const first = start('trainer', trainerDir);
    const stream = createEventStream(catalog, { itemsPerRequest: 25, eventsPerRequest: 20 });
    const streaming = streamInBackground(stream, url, 200);

    const atKill = await waitFor(
      'a checkpoint covering consumed records while events still arrive',
      async () => {
        const s = await readTrainerStatus(trainerDir);
        const checkpointed = s?.checkpoint?.offsets.reduce((n, o) => n + Number(o.offset), 0) ?? 0;
        return s && s.pid === first.pid && checkpointed > 0 && stream.accepted.items >= 100 ? s : undefined;
      },
      150_000,
      { watch: [api, first, streaming] },
    );
    expect((await first.kill('SIGKILL')).signal).toBe('SIGKILL');

    // Events keep being accepted while no trainer runs.
    const requestsAtKill = streaming.requests;
    await waitFor('more events accepted while the trainer is down', () => streaming.requests >= requestsAtKill + 6, 60_000, { watch: [api, streaming] });

    const second = start('trainer', trainerDir);
    await waitFor('the restarted trainer running', async () => (await readTrainerStatus(trainerDir))?.pid === second.pid, 120_000, { watch: [api, second] });
    const requestsAtRestart = streaming.requests;
    await waitFor('more events accepted after the restart', () => streaming.requests >= requestsAtRestart + 6, 60_000, { watch: [api, second, streaming] });
    await streaming.stop();
    const accepted = { ...stream.accepted };
    expect(stream.refused).toEqual([]);

    const stoppedStreamingAt = Date.now();
    const settled = await waitFor(
      'every accepted event consumed',
      async () => {
        const s = await readTrainerStatus(trainerDir);
        return s && s.pid === second.pid && s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback ? s : undefined;
      },
      120_000,
      { watch: [second] },
    );
    console.log(
      JSON.stringify({
        atKill: { consumed: atKill.consumed, checkpointStep: atKill.checkpoint?.step, offsets: atKill.checkpoint?.offsets },
        accepted,
        catchUpS: (Date.now() - stoppedStreamingAt) / 1000,
        settled: { consumed: settled.consumed, steps: settled.steps, version: settled.modelVersion },
      }),
    );
    expect(second.logged('restored trainer checkpoint')).toBe(true);
    expect(settled.steps).toBeGreaterThanOrEqual(atKill.checkpoint!.step);
    expect(settled.deadLetters).toEqual({ items: 0, feedback: 0 });
    expect(settled.embeddableItems).toBe(stream.acceptedKeys.items.size);

    expect(await second.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    const final = (await readTrainerStatus(trainerDir))!;
    expect(final.phase).toBe('stopped');
    expect(final.consumed).toEqual(accepted);

    const live = await inspectLiveModel(trainerDir, catalog.slice(0, 4));
    expect(live.collectionExists).toBe(true);
    expect(live.liveCollection).toBe(`catalog_${live.newest.id}`);
    expect(live.collectionCount).toBe(stream.acceptedKeys.items.size);
    expect(live.newest.embeddingDim).toBe(32);
    for (const v of live.embeddings) {
      expect(v).toHaveLength(32);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    }
  }, 360_000);
});
