import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEdgeServer } from '../../functions/serve';
import { collectionForVersion, DEFAULT_LIVE_ALIAS } from '../../src/core/catalog-naming';
import type { VectorStore } from '../../src/core/vector-store';
import { createModelStore } from '../../src/store';
import { createQdrantVectorStore } from '../../src/store/qdrant';
import type { TrainerStatus } from '../../src/trainer/online-trainer';
import { queryContinuously } from '../edge/continuous-queries';
import { pixelsField, postJson } from '../edge/http-json';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { qdrantAvailability, startQdrant, type QdrantServer } from '../support/qdrant';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { chunks, fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { readTrainerStatus } from './support/trainer-status';
import { checkVersionConsistency } from './support/version-consistency';
import { waitFor } from './support/wait-for';

const qdrant = qdrantAvailability();
const versionNumber = (version: string | undefined) => (version ? Number(version.slice(1)) : 0);
const SWAPS = 20;

/*
 * The scaled-out deployment, every process with its own data directory: one `discern trainer`
 * (holding the model store and serving it over HTTP), two `discern api` replicas and two
 * `discern reembed` workers reading model versions from it, all on one real Kafka broker and one
 * real Qdrant, plus the edge functions in workerd searching Qdrant directly.
 */
describe.skipIf(!qdrant.available)(`scaled out on Kafka and Qdrant: API replicas, trainer, re-embed workers, edge${qdrant.available ? '' : ` (skipped: ${qdrant.reason})`}`, () => {
  let kafka: KafkaBroker;
  let qdrantServer: QdrantServer;
  let vectors: VectorStore;
  let catalog: FashionItem[];
  let queries: Uint8Array[];
  const dirs: Record<string, string> = {};
  const processes: DiscernProcess[] = [];
  let trainer: DiscernProcess;
  let workers: DiscernProcess[];
  let apis: DiscernProcess[];
  let apiUrls: string[];
  let edge: Awaited<ReturnType<typeof startEdgeServer>>;
  let trainerEnv: Record<string, string>;
  let pairsSent = 0;

  const status = () => readTrainerStatus(dirs.trainer);
  const watch = () => ({ watch: [trainer, ...apis, ...workers.filter((w) => w.alive())] });
  const liveCount = async () => {
    const live = await vectors.resolveAlias(DEFAULT_LIVE_ALIAS);
    return (await vectors.listCollections()).find((c) => c.name === live)?.count ?? 0;
  };

  /** One new similar/dissimilar pair through API 1: new signal, so the trainer trains a few steps and publishes. */
  async function sendFeedback(): Promise<void> {
    const i = pairsSent++;
    const a = catalog[i % catalog.length];
    const b = catalog[(i * 7 + 3) % catalog.length];
    const { status: code, body } = await requestJson(apiUrls[0], 'POST', '/v1/feedback', { events: [{ type: 'pair', a: a.id, b: b.id, similar: a.classId === b.classId, eventId: `pair-${i}` }] });
    expect(code, JSON.stringify(body)).toBe(202);
  }

  function startTrainer(): DiscernProcess {
    const process = startDiscernProcess('trainer', { env: trainerEnv });
    processes.push(process);
    return process;
  }

  beforeAll(async () => {
    let fashion: FashionItem[];
    [kafka, qdrantServer, fashion, dirs.trainer, dirs.api1, dirs.api2, dirs.reembed1, dirs.reembed2] = await Promise.all([
      startKafka(),
      startQdrant(),
      fashionItems('train', 8, 'item'),
      ...['trainer', 'api1', 'api2', 'reembed1', 'reembed2'].map((name) => mkdtemp(join(tmpdir(), `discern-scale-${name}-`))),
    ]);
    catalog = fashion;
    queries = (await fashionItems('test', 1, 'query')).map((q) => Uint8Array.from(q.pixels.data));
    vectors = createQdrantVectorStore({ url: qdrantServer.url, apiKey: qdrantServer.apiKey });
    const modelServerPort = await freePort();
    const shared = {
      DISCERN_QUEUE: 'kafka',
      KAFKA_BROKERS: kafka.brokers,
      KAFKA_TOPIC_PREFIX: `scale-${randomUUID().slice(0, 8)}`,
      KAFKA_PARTITIONS: '4',
      DISCERN_VECTOR_STORE: 'qdrant',
      QDRANT_URL: qdrantServer.url,
      ...(qdrantServer.apiKey ? { QDRANT_API_KEY: qdrantServer.apiKey } : {}),
      ORT_THREADS: '1',
    };
    trainerEnv = {
      ...shared,
      DISCERN_DATA_DIR: dirs.trainer,
      MODEL_SERVER_PORT: String(modelServerPort),
      REEMBED_WORKERS: '2',
      REEMBED_SHARE_ITEMS: '10',
      REEMBED_TIMEOUT_SECONDS: '120',
      DISCERN_BACKEND: 'wasm',
      EMBEDDING_DIM: '16',
      // Versions come from feedback: a few steps on each new pair, then a publication.
      PUBLISH_EVERY_STEPS: '100000',
      PUBLISH_EVERY_SECONDS: '3600',
      FEEDBACK_FRESHNESS_SECONDS: '1',
      FEEDBACK_TRAINING_STEPS: '3',
      LEARNING_RATE: '0.01',
      P: '4',
      Q: '2',
      KEEP_VERSIONS: '100',
    };
    const remote = (dir: string) => ({ ...shared, DISCERN_DATA_DIR: dir, MODEL_STORE_URL: `http://127.0.0.1:${modelServerPort}` });
    trainer = startTrainer();
    workers = [dirs.reembed1, dirs.reembed2].map((dir) => startDiscernProcess('reembed', { env: remote(dir) }));
    apis = [dirs.api1, dirs.api2].map((dir) => startDiscernProcess('api', { env: { ...remote(dir), PORT: '0' } }));
    processes.push(...workers, ...apis);
    apiUrls = await Promise.all(apis.map((api) => api.url()));
    edge = await startEdgeServer({ port: 0, bindings: { DISCERN_API_URL: apiUrls[1], MODEL_BASE_URL: apiUrls[1], QDRANT_URL: qdrantServer.url, ...(qdrantServer.apiKey ? { QDRANT_API_KEY: qdrantServer.apiKey } : {}) } });
    await waitFor('both re-embed workers in their group', () => workers.every((w) => w.logged('re-embed worker started')), 120_000, watch());
  }, 400_000);

  afterAll(async () => {
    await edge?.close();
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await vectors?.close();
    await kafka?.stop();
    await qdrantServer?.stop();
    await Promise.all(Object.values(dirs).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('items posted to API 1 are searchable through API 2 and through the edge', async () => {
    for (const batch of chunks(catalog, 40)) {
      const items = batch.map((item) => ({ id: item.id, label: item.className, pixels: item.pixels }));
      const { status: code, body } = await requestJson(apiUrls[0], 'POST', '/v1/items', { items });
      expect(code, JSON.stringify(body)).toBe(202);
    }
    // Every item is in the live collection of a version re-embedded by the workers.
    const published = await waitFor(
      'a version re-embedded by the workers holding every item',
      async () => {
        const s = await status();
        return s?.lastPublication?.items === catalog.length && s.lastPublication.shares && (await liveCount()) === catalog.length ? s : undefined;
      },
      180_000,
      watch(),
    );
    expect(published.lastPublication!.shares).toEqual({ total: expect.any(Number), byWorkers: published.lastPublication!.shares!.total, byTrainer: 0 });
    expect(published.lastPublication!.shares!.total).toBeGreaterThanOrEqual(8);

    for (const item of [catalog[0], catalog[37], catalog.at(-1)!]) {
      for (const [name, url] of [['api 2', apiUrls[1]], ['edge', edge.url]]) {
        const { status: code, body } = await postJson(url, '/v1/search', { pixels: pixelsField(item.pixels.data), k: 3 });
        expect(code, `${name}: ${JSON.stringify(body)}`).toBe(200);
        expect(body.results[0].id, name).toBe(item.id);
        expect(body.results[0].score, name).toBeGreaterThan(0.999);
      }
      const byId = await requestJson(apiUrls[1], 'POST', '/v1/search', { itemId: item.id, k: 3 });
      expect(byId.status, JSON.stringify(byId.body)).toBe(200);
      expect(byId.body.results.map((r: { id: string }) => r.id)).not.toContain(item.id);
      expect((await requestJson(apiUrls[1], 'GET', `/v1/items/${item.id}`)).body).toMatchObject({ id: item.id, label: item.className });
    }
  }, 300_000);

  it('kill -9 of a re-embed worker mid-job: the other finishes the job, no point missing', async () => {
    const before = (await status())!;
    const tasksPublished = trainer.logCount('re-embed tasks published');
    // Frozen first, so the tasks the group assigns to it are certainly unfinished when it dies.
    workers[0].child.kill('SIGSTOP');
    await sendFeedback();
    await waitFor('the next re-embed job', () => trainer.logCount('re-embed tasks published') > tasksPublished, 60_000, watch());
    const killedAt = Date.now();
    await workers[0].kill('SIGKILL');
    const after = await waitFor('the job finished', async () => {
      const s = await status();
      return s && s.publications > before.publications ? s : undefined;
    }, 120_000, watch());
    const publication = after.lastPublication!;
    console.info(`re-embed job finished ${((Date.now() - killedAt) / 1000).toFixed(1)} s after a worker was killed: ${JSON.stringify(publication.shares)}`);
    expect(publication.items).toBe(catalog.length);
    expect(publication.shares).toEqual({ total: publication.shares!.total, byWorkers: publication.shares!.total, byTrainer: 0 });
    expect(workers[0].logTail(400)).not.toContain(`"version":"${publication.version}"`);
    const collection = collectionForVersion(DEFAULT_LIVE_ALIAS, publication.version);
    expect((await vectors.listCollections()).find((c) => c.name === collection)?.count).toBe(catalog.length);
    const missing: string[] = [];
    for (const item of catalog) if (!(await vectors.get(collection, item.id))) missing.push(item.id);
    expect(missing).toEqual([]);
    expect(await vectors.resolveAlias(DEFAULT_LIVE_ALIAS)).toBe(collection);
    // The survivor's status file (what a container healthcheck reads) counts its shares.
    const survivor = JSON.parse(await readFile(join(dirs.reembed2, 'reembed-status.json'), 'utf8'));
    expect(survivor).toMatchObject({ pid: workers[1].pid, phase: 'running' });
    expect(survivor.shares).toBeGreaterThan(0);
  }, 300_000);

  it('kill -9 of the trainer: the replicas keep answering, and it resumes where it was', async () => {
    const before = (await status())!;
    // A replica that has served the live version keeps it (and its model) while the trainer is away.
    const warm = await postJson(apiUrls[1], '/v1/search', { pixels: pixelsField(queries[1]), k: 3 });
    expect(warm.body.modelVersion, JSON.stringify(warm.body)).toBe(before.modelVersion);
    await trainer.kill('SIGKILL');
    // Accepted while the trainer is down; cached model versions keep search working.
    const late = catalog.slice(0, 3).map((item, i) => ({ id: `late-${i}`, label: item.className, pixels: item.pixels }));
    expect((await requestJson(apiUrls[0], 'POST', '/v1/items', { items: late })).status).toBe(202);
    const during = await postJson(apiUrls[1], '/v1/search', { pixels: pixelsField(queries[0]), k: 3 });
    expect(during.status, JSON.stringify(during.body)).toBe(200);
    expect(during.body.modelVersion).toBe(before.modelVersion);
    // One that never loaded it cannot now: 503 and when to retry, not an error of its own.
    const cold = await requestJson(apiUrls[0], 'POST', '/v1/search', { pixels: pixelsField(queries[0]), k: 3 });
    expect(cold.status, JSON.stringify(cold.body)).toBe(503);
    expect(cold.body.error.code).toBe('model_store_unavailable');
    expect(cold.headers.get('retry-after')).toBe('5');

    trainer = startTrainer();
    await waitFor('the restarted trainer running', async () => {
      const s = await status();
      return s?.pid === trainer.pid && s.phase === 'running';
    }, 180_000, watch());
    await sendFeedback();
    const resumed = await waitFor('a version published by the restarted trainer', async () => {
      const s = await status();
      return s?.pid === trainer.pid && versionNumber(s.modelVersion) > versionNumber(before.modelVersion) && s.catalogItems === catalog.length + late.length ? s : undefined;
    }, 180_000, watch());
    expect(resumed.steps).toBeGreaterThan(before.steps);
    expect(resumed.consumed.items).toBe(before.consumed.items + late.length);
    await waitFor('the late items searchable through API 2', async () => (await requestJson(apiUrls[1], 'GET', '/v1/items/late-2')).status === 200, 60_000, watch());
    expect(await liveCount()).toBe(catalog.length + late.length);
  }, 400_000);

  it(`${SWAPS} swaps with 0 version mismatches across both APIs and the edge`, async () => {
    const load = queryContinuously(
      [
        { name: 'api1', url: apiUrls[0] },
        { name: 'api2', url: apiUrls[1] },
        { name: 'edge', url: edge.url },
      ],
      queries,
      { loops: 1, k: 5 },
    );
    const versions: string[] = [];
    const reembedSeconds: number[] = [];
    const started = Date.now();
    try {
      for (let swap = 0; swap < SWAPS; swap++) {
        const publications = (await status())!.publications;
        await sendFeedback();
        const s = await waitFor(`swap ${swap + 1}`, async () => {
          const current = await status();
          return current && current.publications > publications ? current : undefined;
        }, 60_000, watch());
        versions.push(s.modelVersion!);
        reembedSeconds.push(s.lastPublication!.reembedSeconds);
      }
    } finally {
      await load.stop();
    }
    const swapSeconds = (Date.now() - started) / 1000;
    const observations = load.observations;
    const failures = observations.filter((o) => o.status !== 200);
    expect(failures.slice(0, 3), `${failures.length} failed requests`).toEqual([]);
    const report = await checkVersionConsistency(observations, {
      modelStore: createModelStore({ kind: 'fs', dir: join(dirs.trainer, 'models') }),
      vectorStore: vectors,
      queries,
      tolerance: 1e-4,
    });
    const seen = Object.fromEntries(Object.entries(report.versionsSeen).map(([target, set]) => [target, set.size]));
    const median = [...reembedSeconds].sort((a, b) => a - b)[Math.floor(reembedSeconds.length / 2)];
    console.info(
      `${SWAPS} swaps (${versions[0]}…${versions.at(-1)}) in ${swapSeconds.toFixed(1)} s, re-embedding on the worker ${median.toFixed(2)} s (median): ` +
        `${observations.length} answers, versions seen ${JSON.stringify(seen)}, mismatches=${report.mismatches.length}, smallest gap between versions ${report.smallestVersionGap.toFixed(4)}`,
    );
    expect(report.mismatches.slice(0, 5), `${report.mismatches.length} mismatches`).toEqual([]);
    // The check tells versions apart: consecutive versions embed the same query differently.
    expect(report.smallestVersionGap).toBeGreaterThan(1e-3);
    for (const target of ['api1', 'api2', 'edge']) expect(report.versionsSeen[target]?.size ?? 0, target).toBeGreaterThanOrEqual(SWAPS / 2);
    expect(new Set(versions).size).toBe(SWAPS);
  }, 400_000);
});

/** A free loopback port: the trainer's model server must keep its address across restarts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
