import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionOfCollection } from '../core/catalog-naming';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { ImageDataset } from '../data/image-dataset';
import type { OnlineTrainer, TrainerStatus } from './online-trainer';
import { fashionSubset, inputsOf, itemRecord, labelRecord, tripletRecord } from '../../test/support/trainer/fashion-events';
import { startTestTrainer, type TestTrainer } from '../../test/support/trainer/online-trainer-fixture';
import { waitFor } from '../../test/e2e/support/wait-for';

const K = 10;

describe('online trainer (embedded queue, embedded vector store, onnxruntime-node)', () => {
  let fixture: TestTrainer;
  let dir: string;
  let queue: Queue;
  let vectorStore: VectorStore;
  let runtime: TestTrainer['runtime'];
  let trainer: OnlineTrainer;
  let catalog: ImageDataset;
  let queries: ImageDataset;

  beforeAll(async () => {
    catalog = await fashionSubset('train', 50);
    queries = await fashionSubset('test', 10);
    fixture = await startTestTrainer({
      partitions: 2,
      // Publication cadence left at its defaults: feedback must show in search within 60 s.
      config: { learningRate: 3e-3, seed: 1 },
    });
    ({ dir, queue, vectorStore, runtime, trainer } = fixture);
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
  });

  /** Mean number of catalog neighbours with the query's label among the top K, via the live version. */
  async function sameLabelNeighbours(): Promise<{ version: string; mean: number }> {
    const live = (await vectorStore.resolveAlias('catalog'))!;
    const version = versionOfCollection('catalog', live)!;
    const n = queries.labels.length;
    const vectors = await runtime.embed(version, inputsOf(queries, [...Array(n).keys()]), [n, 28, 28, 1]);
    const dim = vectors.length / n;
    let total = 0;
    for (let q = 0; q < n; q++) {
      const hits = await vectorStore.search(live, vectors.subarray(q * dim, (q + 1) * dim), { k: K });
      expect(hits).toHaveLength(K);
      total += hits.filter((h) => catalog.labels[Number(h.id.slice(5))] === queries.labels[q]).length;
    }
    return { version, mean: total / n };
  }

  it('publishes v000001 at once, embeds items on arrival, and feedback raises same-label neighbours of held-out queries', async () => {
    const first = await waitFor('the initial version', async () => (await vectorStore.resolveAlias('catalog')) === 'catalog_v000001', 30_000);
    expect(first).toBe(true);
    const n = catalog.labels.length;
    await queue.publish('items', Array.from({ length: n }, (_, i) => itemRecord(catalog, i, `item-${i}`)));
    await waitFor('items in the live collection', async () => (await vectorStore.listCollections()).find((c) => c.name === 'catalog_v000001')?.count === n, 30_000);
    const before = await sameLabelNeighbours();
    expect(before.version).toBe('v000001');

    // Labels for 30 of each class's 50 items, plus triplets across classes.
    const feedback = [];
    for (let i = 0; i < n; i++) if (i % 50 < 30) feedback.push(labelRecord(`item-${i}`, String(catalog.labels[i]), `label-${i}`));
    for (let t = 0; t < 40; t++) {
      const a = (t * 7) % n;
      const p = [...Array(n).keys()].find((j) => j !== a && catalog.labels[j] === catalog.labels[a])!;
      const neg = [...Array(n).keys()].find((j) => catalog.labels[j] !== catalog.labels[a] && j > t)!;
      feedback.push(tripletRecord(`item-${a}`, `item-${p}`, `item-${neg}`, `triplet-${t}`, 2));
    }
    feedback.push(labelRecord('item-0', String(catalog.labels[0]), 'label-0')); // a retried event: dropped
    const sentAt = Date.now();
    await queue.publish('feedback', feedback);
    const status = await waitFor('a new version', () => {
      const s = trainer.metrics();
      return s.modelVersion !== 'v000001' && s.modelVersion !== undefined ? s : undefined;
    }, 60_000);
    const visibleAfterS = (Date.now() - sentAt) / 1000;
    const after = await sameLabelNeighbours();
    console.log(JSON.stringify({ before, after, visibleAfterS, steps: status.steps, lastPublication: status.lastPublication }));
    expect(after.version).toBe(status.modelVersion);
    expect(visibleAfterS).toBeLessThan(60);
    expect(after.mean).toBeGreaterThan(before.mean + 0.5);
    expect(status.consumed).toEqual({ items: n, feedback: feedback.length });
    expect(status.duplicates).toBe(1);
    // About a tenth of the labels is held out from training to score each candidate on.
    expect(status.labelledItems + status.heldOut.items).toBe(300);
    expect(status.heldOut.items).toBeGreaterThan(10);
    expect(status.heldOut.items).toBeLessThan(60);
    expect(status.lastPublication!.metrics!.heldOutItems).toBe(status.heldOut.items);
    expect(status.steps).toBeGreaterThan(0);
    expect(status.lastPublication!.items).toBe(n);
    const file = JSON.parse(await readFile(join(dir, 'trainer-status.json'), 'utf8')) as TrainerStatus;
    expect(file.consumed.items).toBe(n);
    const text = await trainer.registry.metrics();
    expect(text).toMatch(/discern_trainer_events_consumed_total\{topic="feedback"\} \d+/);
    expect(text).toMatch(/discern_trainer_reembed_seconds_count [1-9]/);
  }, 120_000);

  it('sends invalid and undecodable records to the dead-letter topic with a reason and keeps consuming', async () => {
    const before = trainer.metrics();
    await queue.publish('items', [
      { key: 'broken', value: '{"schemaVersion":1,' },
      { key: 'no-content-type', value: JSON.stringify({ schemaVersion: 1, type: 'upsert', id: 'vec-item', vector: [1, 2, 3], receivedAt: 1 }) },
      itemRecord(catalog, 0, 'late-item'),
    ]);
    await queue.publish('feedback', [{ key: 'q', value: JSON.stringify({ schemaVersion: 1, type: 'triplet', anchor: 'q', positive: 'p', receivedAt: 1, eventId: 'e-bad' }) }]);
    const live = (await vectorStore.resolveAlias('catalog'))!;
    await waitFor('the valid item in the live collection', async () => (await vectorStore.get(live, 'late-item')) !== undefined, 30_000);
    const status = await waitFor('the counters', () => {
      const s = trainer.metrics();
      return s.consumed.items === before.consumed.items + 3 && s.consumed.feedback === before.consumed.feedback + 1 ? s : undefined;
    }, 30_000);
    expect(status.deadLetters).toEqual({ items: before.deadLetters.items + 2, feedback: before.deadLetters.feedback + 1 });
    expect(status.phase).toBe('running');
    const consumer = await queue.consumer({ group: 'dead-letter-reader', topics: ['dead-letters'] });
    const letters = await consumer.poll(100, 2000);
    await consumer.close();
    const byKey = new Map(letters.map((l) => [l.key, l]));
    expect(byKey.get('broken')!.headers.reason).toMatch(/^value: not JSON/);
    expect(byKey.get('no-content-type')!.headers.reason).toMatch(/^vector: this model takes images/);
    expect(byKey.get('q')!.headers.reason).toMatch(/negative/);
    const body = JSON.parse(byKey.get('broken')!.value);
    expect(body).toMatchObject({ topic: 'items', value: '{"schemaVersion":1,' });
    expect(body.reason).toBe(byKey.get('broken')!.headers.reason);
  }, 60_000);
});
