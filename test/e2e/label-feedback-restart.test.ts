import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainerStatus } from '../../src/trainer/online-trainer';
import { versionNumber } from '../../src/trainer/publisher';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { createEventStream, type EventStream } from './support/event-stream';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { readLiveLabels } from './support/live-model';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

const ITEMS = 100;
/** Restarts per queue: SIGTERM and SIGKILL alternate, five of each. */
const ROUNDS = 10;
/** Fast cadence: small model, few steps per arrival of feedback, a publication (and checkpoint) every couple of seconds. */
const TRAINER_ENV = {
  DISCERN_BACKEND: 'wasm',
  EMBEDDING_DIM: '16',
  FEEDBACK_TRAINING_STEPS: '4',
  FEEDBACK_FRESHNESS_SECONDS: '1',
  PUBLISH_EVERY_SECONDS: '2',
  PORT: '0',
  // The test needs a publication from the replayed catalog; the canary gate has tests of its own.
  GATE_MIN_HELD_OUT: '1000000',
};

/** How one deployment runs: the process that trains (for `start` it also serves), and the API to send to. */
interface Deployment {
  /** Starts the training process on `trainerDir`; resolves with it and the API's base URL. */
  startTrainer(): Promise<{ trainer: DiscernProcess; url: string }>;
  trainerDir: string;
}

/**
 * Keeps a stream of items and feedback flowing to `target.url` (read afresh for every request,
 * so a restarted API is picked up) until stopped. `pause()` resolves once the request in flight
 * has its answer, so a kill lands between two answers and every 202 is known.
 */
function keepStreaming(stream: EventStream, target: { url: string }) {
  let running = true;
  let paused: Promise<void> | undefined;
  let resume = () => undefined as void;
  let idle = () => undefined as void;
  const loop = (async () => {
    while (running) {
      if (paused) {
        idle();
        await paused;
        continue;
      }
      await stream.send(target.url, stream.next());
      await sleep(150);
    }
  })();
  return {
    async pause() {
      const stopped = new Promise<void>((resolve) => (idle = resolve));
      paused = new Promise<void>((resolve) => (resume = resolve));
      await stopped;
    },
    resume() {
      paused = undefined;
      resume();
    },
    async stop() {
      running = false;
      this.resume();
      await loop;
    },
  };
}

const sumOffsets = (s: TrainerStatus) => s.checkpoint?.offsets.reduce((n, o) => n + Number(o.offset), 0) ?? 0;

/**
 * Posts 100 items labelled `orig` and label feedback `fixed` for each, then keeps a stream of
 * items and feedback flowing while the trainer is restarted ten times (SIGTERM and SIGKILL
 * alternating; each kill -9 lands after a checkpoint, with records consumed past it). At the
 * end every event that got a 202 must be consumed and applied exactly once (no duplicates, no
 * dead letters), and a version published after the last restart shows `fixed` for every item.
 */
async function labelFeedbackSurvivesRounds(deployment: Deployment, catalog: FashionItem[]) {
  const ids = catalog.slice(0, ITEMS).map((_, n) => `ord-${n}`);
  let trainer: DiscernProcess;
  const target = { url: '' };
  let startedAt = Date.now();
  ({ trainer, url: target.url } = await deployment.startTrainer());
  const items = catalog.slice(0, ITEMS).map((item, n) => ({ id: ids[n], label: 'orig', pixels: item.pixels }));
  expect((await requestJson(target.url, 'POST', '/v1/items', { items })).status).toBe(202);
  const events = ids.map((itemId, n) => ({ type: 'label', itemId, label: 'fixed', eventId: `fix-${n}` }));
  expect((await requestJson(target.url, 'POST', '/v1/feedback', { events })).status).toBe(202);

  const stream = createEventStream(catalog, { itemsPerRequest: 5, eventsPerRequest: 6 });
  const streaming = keepStreaming(stream, target);
  const status = () => readTrainerStatus(deployment.trainerDir);
  const kills = { SIGTERM: 0, SIGKILL: 0 };
  for (let round = 1; round <= ROUNDS; round++) {
    const signal = round % 2 === 1 ? 'SIGTERM' : 'SIGKILL';
    const pid = trainer.pid;
    const since = startedAt;
    await waitFor(
      signal === 'SIGKILL' ? 'a checkpoint by this trainer, with records consumed past it' : 'the trainer running',
      async () => {
        const s = await status();
        if (s?.pid !== pid || s.phase !== 'running') return false;
        if (signal === 'SIGTERM') return true;
        return s.checkpoint !== undefined && Date.parse(s.checkpoint.savedAt) >= since && s.consumed.items + s.consumed.feedback > sumOffsets(s);
      },
      120_000,
      { watch: [trainer] },
    );
    await streaming.pause();
    await trainer.kill(signal);
    kills[signal]++;
    streaming.resume();
    startedAt = Date.now();
    ({ trainer, url: target.url } = await deployment.startTrainer());
  }
  await streaming.stop();

  // New signal after the last restart, so that the trainer publishes a version from its replayed
  // catalog. Several pairs: one of them alone might fall in the holdout, which is never trained on.
  const pairs = Array.from({ length: 5 }, (_, i) => ({ type: 'pair', a: ids[2 * i], b: ids[2 * i + 1], similar: true, eventId: `after-rounds-${randomUUID()}` }));
  expect((await requestJson(target.url, 'POST', '/v1/feedback', { events: pairs })).status).toBe(202);
  const accepted = { items: ITEMS + stream.accepted.items, feedback: ITEMS + stream.accepted.feedback + pairs.length };
  const caughtUp = await waitFor(
    'every accepted event consumed by the last trainer',
    async () => {
      const s = await status();
      return s?.pid === trainer.pid && s.phase === 'running' && s.consumed.items === accepted.items && s.consumed.feedback === accepted.feedback ? s : undefined;
    },
    120_000,
    { watch: [trainer] },
  );
  await waitFor(
    'a version published by the last trainer',
    async () => {
      const s = await status();
      return s?.pid === trainer.pid && versionNumber(s.modelVersion ?? '') > versionNumber(caughtUp.modelVersion ?? '');
    },
    120_000,
    { watch: [trainer] },
  );
  const last = (await status())!;
  await trainer.kill('SIGTERM');
  const final = (await status())!;
  const live = await readLiveLabels(deployment.trainerDir, ids);
  const kept = [...live.labels.values()].filter((l) => l === 'fixed').length;
  console.log(
    JSON.stringify({
      rounds: kills,
      accepted,
      refusedWhileDown: stream.refused.length,
      consumed: final.consumed,
      applied: final.applied,
      duplicates: final.duplicates,
      deadLetters: final.deadLetters,
      labelsKept: `${kept}/${ITEMS}`,
      version: last.modelVersion,
    }),
  );
  expect(kills).toEqual({ SIGTERM: ROUNDS / 2, SIGKILL: ROUNDS / 2 });
  expect(stream.accepted.items).toBeGreaterThan(0);
  expect(stream.accepted.feedback).toBeGreaterThan(0);
  // Only answers from a process that was down: no 4xx, no 5xx.
  expect(stream.refused.filter((r) => r.status !== 0)).toEqual([]);
  // Every 202'd event applied exactly once.
  expect(final.consumed).toEqual(accepted);
  expect(final.applied).toEqual(accepted);
  expect(final.duplicates).toBe(0);
  expect(final.deadLetters).toEqual({ items: 0, feedback: 0 });
  expect(live.liveCollection).toBe(`catalog_${last.modelVersion}`);
  expect(kept).toBe(ITEMS);
}

describe('label feedback and every accepted event survive ten trainer restarts under a stream', () => {
  let catalog: FashionItem[];
  const dirs: string[] = [];
  const processes: DiscernProcess[] = [];
  const tempDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `discern-labels-${name}-`));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    catalog = await fashionItems('train', 10, 'src');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('on the embedded queue (discern start, restarted whole)', async () => {
    const dataDir = await tempDir('embedded');
    await labelFeedbackSurvivesRounds(
      {
        trainerDir: dataDir,
        async startTrainer() {
          const service = startDiscernProcess('start', { env: { ...TRAINER_ENV, DISCERN_QUEUE: 'embedded', DISCERN_VECTOR_STORE: 'embedded', DISCERN_DATA_DIR: dataDir } });
          processes.push(service);
          return { trainer: service, url: await service.url() };
        },
      },
      catalog,
    );
  }, 600_000);

  describe('on Kafka', () => {
    let kafka: KafkaBroker;
    beforeAll(async () => {
      kafka = await startKafka();
    }, 300_000);
    afterAll(() => kafka?.stop());

    it('keeps every label with discern api and discern trainer, the trainer restarted', async () => {
      const kafkaEnv = { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: `labels-${randomUUID().slice(0, 8)}`, KAFKA_PARTITIONS: '2' };
      const [apiDir, trainerDir] = await Promise.all([tempDir('api'), tempDir('trainer')]);
      const api = startDiscernProcess('api', { env: { ...TRAINER_ENV, ...kafkaEnv, DISCERN_DATA_DIR: apiDir } });
      processes.push(api);
      const url = await api.url();
      await labelFeedbackSurvivesRounds(
        {
          trainerDir,
          async startTrainer() {
            const trainer = startDiscernProcess('trainer', { env: { ...TRAINER_ENV, ...kafkaEnv, DISCERN_DATA_DIR: trainerDir } });
            processes.push(trainer);
            return { trainer, url };
          },
        },
        catalog,
      );
    }, 600_000);

    it('keeps every label with discern start on Kafka, restarted whole', async () => {
      const kafkaEnv = { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: `labels-whole-${randomUUID().slice(0, 8)}`, KAFKA_PARTITIONS: '2' };
      const dataDir = await tempDir('kafka-start');
      await labelFeedbackSurvivesRounds(
        {
          trainerDir: dataDir,
          async startTrainer() {
            const service = startDiscernProcess('start', { env: { ...TRAINER_ENV, ...kafkaEnv, DISCERN_VECTOR_STORE: 'embedded', DISCERN_DATA_DIR: dataDir } });
            processes.push(service);
            return { trainer: service, url: await service.url() };
          },
        },
        catalog,
      );
    }, 600_000);
  });
});
