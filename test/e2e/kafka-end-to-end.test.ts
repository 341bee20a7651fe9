import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store';
import { startKafka, type KafkaBroker } from '../support/kafka';
import { startDiscernProcess, type DiscernProcess } from './support/discern-process';
import { chunks, fashionItems, type FashionItem } from './support/fashion-items';
import { requestJson } from './support/http-json';
import { sameLabelNeighbours } from './support/same-label-neighbours';
import { readTrainerStatus } from './support/trainer-status';
import { waitFor } from './support/wait-for';

const K = 10;
const LABELLED_CLASSES = [0, 1];
const versionNumber = (version: string | undefined) => (version ? Number(version.slice(1)) : 0);

/*
 * API and trainer share the live collection and the model store. The embedded vector store is
 * single-process, so this test runs them together in `discern start` (DISCERN_QUEUE=kafka): the
 * events still travel HTTP → Kafka broker → trainer → vector store → HTTP search.
 */
describe('discern start on Kafka: items and feedback over HTTP improve search on held-out queries', () => {
  let kafka: KafkaBroker;
  let dataDir: string;
  let service: DiscernProcess | undefined;
  let catalog: FashionItem[];
  let queries: FashionItem[];

  beforeAll(async () => {
    [kafka, dataDir, catalog, queries] = await Promise.all([
      startKafka(),
      mkdtemp(join(tmpdir(), 'discern-e2e-kafka-')),
      fashionItems('train', 40, 'item'),
      fashionItems('test', 20, 'query'),
    ]);
  }, 300_000);

  afterAll(async () => {
    await service?.kill('SIGKILL');
    await kafka?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts items, publishes a version, then trains on feedback into a version with more same-class neighbours', async () => {
    service = startDiscernProcess('start', {
      env: {
        DISCERN_QUEUE: 'kafka',
        KAFKA_BROKERS: kafka.brokers,
        KAFKA_TOPIC_PREFIX: `e2e-${randomUUID().slice(0, 8)}`,
        KAFKA_PARTITIONS: '2',
        DISCERN_DATA_DIR: dataDir,
        PORT: '0',
        DISCERN_BACKEND: 'wasm',
        EMBEDDING_DIM: '32',
        // Versions come from new signal only, so "before" and "after" are each one version.
        PUBLISH_EVERY_STEPS: '100000',
        PUBLISH_EVERY_SECONDS: '3600',
        FEEDBACK_FRESHNESS_SECONDS: '300',
        FEEDBACK_TRAINING_STEPS: '120',
      },
    });
    const url = await service.url();
    const watch = { watch: [service] };
    const liveVersion = async () => (await requestJson(url, 'GET', '/v1/model')).body?.live?.modelVersion as string | undefined;
    // What the trainer had consumed when it published a version (recorded with the version).
    const models = createModelStore({ kind: 'fs', dir: join(dataDir, 'models') });
    const consumedAtPublication = async (version: string | undefined) =>
      version ? ((await models.get(version))?.extra?.consumed as { items: number; feedback: number } | undefined) : undefined;
    await waitFor('the first model version', async () => (await liveVersion()) === 'v000001', 120_000, watch);

    // Items: pixels for all ten classes, labels only for two of them. The version trained on
    // those knows little about the other eight, which the feedback below then teaches.
    const classOf = new Map(catalog.map((item) => [item.id, item.classId]));
    let acceptedItems = 0;
    for (const batch of chunks(catalog, 100)) {
      const items = batch.map((item) => ({ id: item.id, pixels: item.pixels, ...(LABELLED_CLASSES.includes(item.classId) ? { label: item.className } : {}) }));
      const { status, body } = await requestJson(url, 'POST', '/v1/items', { items });
      expect(status, JSON.stringify(body)).toBe(202);
      expect(body.ids).toEqual(batch.map((item) => item.id));
      acceptedItems += body.accepted;
    }
    expect(acceptedItems).toBe(catalog.length);

    const trained = await waitFor(
      'a live version published after every item was consumed',
      async () => {
        const s = await readTrainerStatus(dataDir);
        const live = await liveVersion();
        return s && live === s.modelVersion && (await consumedAtPublication(live))?.items === acceptedItems ? s : undefined;
      },
      180_000,
      watch,
    );
    expect(versionNumber(trained.modelVersion)).toBeGreaterThan(1);
    expect(trained.labelledItems + trained.heldOut.items).toBe(catalog.filter((item) => LABELLED_CLASSES.includes(item.classId)).length);
    expect(trained.embeddableItems).toBe(catalog.length);
    const before = await sameLabelNeighbours(url, queries, classOf, K);

    // Feedback in three waves (labels; similar and dissimilar pairs; triplets), each sent once the
    // trainer has taken a few dozen steps on the one before: every arrival of new feedback renews
    // its training budget, so the version published afterwards has trained on all of it.
    const byClass = (c: number) => catalog.filter((item) => item.classId === c);
    const labels: Record<string, unknown>[] = [];
    const pairs: Record<string, unknown>[] = [];
    const triplets: Record<string, unknown>[] = [];
    for (let c = 0; c < 10; c++) if (!LABELLED_CLASSES.includes(c)) for (const item of byClass(c).slice(0, 30)) labels.push({ type: 'label', itemId: item.id, label: item.className });
    for (let c = 0; c < 10; c++) {
      const own = byClass(c);
      const other = byClass((c + 3) % 10);
      for (let j = 0; j < 5; j++) {
        pairs.push({ type: 'pair', a: own[j].id, b: own[j + 20].id, similar: true });
        pairs.push({ type: 'pair', a: own[j].id, b: other[j].id, similar: false });
        triplets.push({ type: 'triplet', anchor: own[j + 5].id, positive: own[j + 25].id, negative: other[j + 5].id, weight: 2 });
      }
    }
    const sentAt = Date.now();
    let acceptedFeedback = 0;
    for (const [wave, events] of [labels, pairs, triplets].entries()) {
      if (wave > 0) {
        const stepsAtSend = (await readTrainerStatus(dataDir))!.steps;
        await waitFor(`training steps on feedback wave ${wave}`, async () => ((await readTrainerStatus(dataDir))?.steps ?? 0) >= stepsAtSend + 40, 120_000, watch);
      }
      const { status, body } = await requestJson(url, 'POST', '/v1/feedback', { events });
      expect(status, JSON.stringify(body)).toBe(202);
      expect(body.accepted).toBe(events.length);
      expect(body.duplicates).toBe(0);
      acceptedFeedback += body.accepted;
    }

    const retrained = await waitFor(
      'a live version published after all feedback was consumed',
      async () => {
        const s = await readTrainerStatus(dataDir);
        const live = await liveVersion();
        return s && live === s.modelVersion && (await consumedAtPublication(live))?.feedback === acceptedFeedback ? s : undefined;
      },
      180_000,
      watch,
    );
    const visibleAfterS = (Date.now() - sentAt) / 1000;
    const after = await sameLabelNeighbours(url, queries, classOf, K);
    // The classes only the feedback labelled gain most.
    const taught = queries.flatMap((query, i) => (LABELLED_CLASSES.includes(query.classId) ? [] : [i]));
    const taughtMean = (q: { perQuery: number[] }) => taught.reduce((sum, i) => sum + q.perQuery[i], 0) / taught.length;
    console.log(
      JSON.stringify({
        before: { version: before.modelVersion, mean: before.mean, taughtClasses: taughtMean(before) },
        after: { version: after.modelVersion, mean: after.mean, taughtClasses: taughtMean(after) },
        visibleAfterS,
        steps: { beforeFeedback: trained.steps, afterFeedback: retrained.steps },
      }),
    );

    expect(retrained.consumed).toEqual({ items: acceptedItems, feedback: acceptedFeedback });
    expect(retrained.deadLetters).toEqual({ items: 0, feedback: 0 });
    expect(retrained.labelledItems + retrained.heldOut.items).toBe(LABELLED_CLASSES.length * 40 + (10 - LABELLED_CLASSES.length) * 30);
    expect(retrained.constraints + retrained.heldOut.constraints).toBe(150);
    expect(retrained.steps).toBeGreaterThan(trained.steps);
    expect(versionNumber(after.modelVersion)).toBeGreaterThan(versionNumber(before.modelVersion));
    expect(after.mean).toBeGreaterThan(before.mean);
    expect(taughtMean(after)).toBeGreaterThan(taughtMean(before) + 0.3);

    // A clean shutdown: SIGTERM checkpoints and exits 0.
    expect(await service.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 420_000);
});
