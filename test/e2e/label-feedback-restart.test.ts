import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionNumber } from '../../src/trainer/publisher';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { readLiveLabels } from './support/live-model';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

const ITEMS = 200;
/** Fast cadence: each arrival of feedback grants a few steps and is published within seconds. */
const TRAINER_ENV = { DISCERN_BACKEND: 'wasm', EMBEDDING_DIM: '32', FEEDBACK_TRAINING_STEPS: '8', FEEDBACK_FRESHNESS_SECONDS: '2', PORT: '0' };

/** How one deployment runs: the process that trains (for `start` it also serves), and the API to send to. */
interface Deployment {
  /** Starts the training process on `trainerDir`; resolves with it and the API's base URL. */
  startTrainer(): Promise<{ trainer: DiscernProcess; url: string }>;
  trainerDir: string;
}

/**
 * Posts 200 items labelled `orig`, then label feedback `fixed` for each; then restarts the
 * trainer twice (SIGTERM, then SIGKILL), each time triggering a publication by the restarted
 * trainer and reading the live collection it left: every label must still be `fixed`.
 */
async function labelFeedbackSurvivesRestarts(deployment: Deployment, catalog: FashionItem[]) {
  const ids = catalog.slice(0, ITEMS).map((_, n) => `ord-${n}`);
  let { trainer, url } = await deployment.startTrainer();
  const items = catalog.slice(0, ITEMS).map((item, n) => ({ id: ids[n], label: 'orig', pixels: item.pixels }));
  expect((await requestJson(url, 'POST', '/v1/items', { items })).status).toBe(202);
  const events = ids.map((itemId) => ({ type: 'label', itemId, label: 'fixed' }));
  expect((await requestJson(url, 'POST', '/v1/feedback', { events })).status).toBe(202);
  const sent = { items: ITEMS, feedback: ITEMS };

  const kept: number[] = [];
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const pid = trainer.pid;
    await waitFor(
      'the trainer caught up with everything sent',
      async () => {
        const s = await readTrainerStatus(deployment.trainerDir);
        return s?.pid === pid && s.phase === 'running' && s.consumed.items === sent.items && s.consumed.feedback === sent.feedback;
      },
      120_000,
      { watch: [trainer] },
    );
    const before = (await readTrainerStatus(deployment.trainerDir))!;
    await trainer.kill(signal);
    const stopped = await readLiveLabels(deployment.trainerDir, ids);
    kept.push([...stopped.labels.values()].filter((l) => l === 'fixed').length);
    if (kept.length > 1) expect(stopped.liveCollection).toBe(`catalog_${before.modelVersion}`);

    ({ trainer, url } = await deployment.startTrainer());
    const restarted = await waitFor(
      'the restarted trainer replayed both topics',
      async () => {
        const s = await readTrainerStatus(deployment.trainerDir);
        return s?.pid === trainer.pid && s.phase === 'running' && s.consumed.items === sent.items && s.consumed.feedback === sent.feedback ? s : undefined;
      },
      120_000,
      { watch: [trainer] },
    );
    // New signal, so that the restarted trainer trains and publishes a version from its replayed catalog.
    const pair = { type: 'pair', a: ids[0], b: ids[1], similar: true, eventId: `after-${signal}-${randomUUID()}` };
    expect((await requestJson(url, 'POST', '/v1/feedback', { events: [pair] })).status).toBe(202);
    sent.feedback++;
    await waitFor(
      'a version published by the restarted trainer',
      async () => {
        const s = await readTrainerStatus(deployment.trainerDir);
        return s?.pid === trainer.pid && versionNumber(s.modelVersion ?? '') > versionNumber(restarted.modelVersion ?? '');
      },
      120_000,
      { watch: [trainer] },
    );
  }
  const last = (await readTrainerStatus(deployment.trainerDir))!;
  await trainer.kill('SIGTERM');
  const final = await readLiveLabels(deployment.trainerDir, ids);
  expect(final.liveCollection).toBe(`catalog_${last.modelVersion}`);
  kept.push([...final.labels.values()].filter((l) => l === 'fixed').length);
  console.log(JSON.stringify({ items: ITEMS, fixedKept: { beforeRestarts: kept[0], afterSigterm: kept[1], afterSigkill: kept[2] } }));
  // Before the restarts, after a restart and its publication, after kill -9 and its publication.
  expect(kept).toEqual([ITEMS, ITEMS, ITEMS]);
}

describe('label feedback survives trainer restarts', () => {
  let catalog: FashionItem[];
  const dirs: string[] = [];
  const processes: DiscernProcess[] = [];
  const tempDir = async (name: string) => {
    const dir = await mkdtemp(join(tmpdir(), `discern-labels-${name}-`));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    catalog = await fashionItems('train', 20, 'src');
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('on the embedded queue (discern start, restarted whole)', async () => {
    const dataDir = await tempDir('embedded');
    await labelFeedbackSurvivesRestarts(
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

  describe('on Kafka (discern api and discern trainer, the trainer restarted)', () => {
    let kafka: KafkaBroker;
    beforeAll(async () => {
      kafka = await startKafka();
    }, 300_000);
    afterAll(() => kafka?.stop());

    it('keeps every label', async () => {
      const kafkaEnv = { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: kafka.brokers, KAFKA_TOPIC_PREFIX: `labels-${randomUUID().slice(0, 8)}`, KAFKA_PARTITIONS: '2' };
      const [apiDir, trainerDir] = await Promise.all([tempDir('api'), tempDir('trainer')]);
      const api = startDiscernProcess('api', { env: { ...TRAINER_ENV, ...kafkaEnv, DISCERN_DATA_DIR: apiDir } });
      processes.push(api);
      const url = await api.url();
      await labelFeedbackSurvivesRestarts(
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
  });
});
