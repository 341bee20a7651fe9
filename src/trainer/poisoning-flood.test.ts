import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { versionOfCollection } from '../core/catalog-naming';
import type { OutgoingRecord, Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { ImageDataset } from '../data/image-dataset';
import { evaluateEmbeddings } from '../eval/evaluate-embeddings';
import type { OnlineTrainer, TrainerStatus } from './online-trainer';
import { fashionSubset, inputsOf, itemRecord } from '../../test/support/trainer/fashion-events';
import { startTestTrainer, type TestTrainer } from '../../test/support/trainer/online-trainer-fixture';
import { waitFor } from '../../test/e2e/support/wait-for';

/** Sandal, sneaker, bag, ankle boot: the flood swaps sneaker (7) and ankle boot (9). */
const CLASSES = [5, 7, 8, 9];
const FLIP: Record<number, number> = { 7: 9, 9: 7 };
const HONEST_SOURCES = 8;
const FLOOD_REPEATS = 4;
/** How far the flood may move the live model's MAP@R on held-out test items. */
const TOLERANCE = 0.05;

const labelEvent = (itemId: string, label: number, source: string, eventId: string): OutgoingRecord => ({
  key: itemId,
  value: JSON.stringify({ schemaVersion: 1, type: 'label', itemId, label: String(label), source, eventId, receivedAt: Date.now() }),
});

function subsetOf(data: ImageDataset, classes: number[]): number[] {
  return [...data.labels.keys()].filter((i) => classes.includes(data.labels[i]));
}

describe('a flood of flipped labels from one source (Fashion-MNIST, wasm, embedded stores)', () => {
  let fixture: TestTrainer;
  let queue: Queue;
  let vectorStore: VectorStore;
  let trainer: OnlineTrainer;
  let runtime: TestTrainer['runtime'];
  let catalog: ImageDataset;
  let tests: ImageDataset;

  beforeAll(async () => {
    catalog = await fashionSubset('train', 30);
    tests = await fashionSubset('test', 20);
    fixture = await startTestTrainer({
      prefix: 'discern-flood-',
      logName: 'flood-test',
      config: { learningRate: 3e-3, stepsAfterSignal: 120, publishEverySteps: 120, feedbackFreshnessSeconds: 60, seed: 3 },
    });
    ({ queue, vectorStore, trainer, runtime } = fixture);
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
  });

  /** MAP@R of the held-out test items of the four classes, each querying the others, through the live version. */
  async function liveMapAtR(): Promise<{ version: string; mapAtR: number }> {
    const version = versionOfCollection('catalog', (await vectorStore.resolveAlias('catalog'))!)!;
    const rows = subsetOf(tests, CLASSES);
    const vectors = await runtime.embed(version, inputsOf(tests, rows), [rows.length, 28, 28, 1]);
    const metrics = await evaluateEmbeddings(vectors, vectors.length / rows.length, Int32Array.from(rows, (i) => tests.labels[i]));
    return { version, mapAtR: metrics.mapAtR };
  }

  /** Publishes `feedback`, then waits until the trainer has read it and a candidate trained on it for 100 steps was judged. */
  async function sendAndSettle(feedback: OutgoingRecord[]): Promise<TrainerStatus> {
    const before = trainer.metrics();
    await queue.publish('feedback', feedback);
    const read = await waitFor('the feedback read', () => {
      const s = trainer.metrics();
      return s.consumed.feedback >= before.consumed.feedback + feedback.length ? s : undefined;
    }, 30_000);
    const trained = await waitFor('100 steps on it', () => {
      const s = trainer.metrics();
      return s.steps >= read.steps + 100 ? s : undefined;
    }, 60_000);
    return waitFor('a candidate judged after them', () => {
      const s = trainer.metrics();
      return s.publications + s.rejections > trained.publications + trained.rejections ? s : undefined;
    }, 30_000);
  }

  it('keeps the live model within the tolerance, and counts the flood as down-weighted in /metrics', async () => {
    await waitFor('the initial version', async () => (await vectorStore.resolveAlias('catalog')) !== undefined, 30_000);
    const items = subsetOf(catalog, CLASSES);
    await queue.publish('items', items.map((i) => itemRecord(catalog, i, `item-${i}`)));
    await sendAndSettle(items.map((i, k) => labelEvent(`item-${i}`, catalog.labels[i], `user:${k % HONEST_SOURCES}`, `honest-${i}`)));
    const clean = await liveMapAtR();

    // Half of the sneakers and ankle boots relabelled as the other (flipping all of them would only rename the classes).
    const flipped = items.filter((i) => FLIP[catalog.labels[i]] !== undefined).filter((_, k) => k % 2 === 0);
    const flood = flipped.flatMap((i) => Array.from({ length: FLOOD_REPEATS }, (_, r) => labelEvent(`item-${i}`, FLIP[catalog.labels[i]], 'mallory', `flood-${i}-${r}`)));
    const status = await sendAndSettle(flood);
    const poisoned = await liveMapAtR();
    console.log(JSON.stringify({ clean, poisoned, flood: flood.length, publications: status.publications, rejections: status.rejections, steps: status.steps }));

    // Either a candidate trained after the flood went live and is about as good, or the gate kept the clean one.
    expect(poisoned.mapAtR).toBeGreaterThan(clean.mapAtR - TOLERANCE);
    expect(clean.mapAtR).toBeGreaterThan(0.3);
    const text = await trainer.registry.metrics();
    const count = (source: string, verdict: string) =>
      Number(new RegExp(`discern_trainer_feedback_verdicts_total\\{source="${source}",kind="label",verdict="${verdict}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    // The first votes of the flood tie with one honest voice each; once several honest sources contradict it, the rest are down-weighted.
    expect(count('mallory', 'down_weighted')).toBeGreaterThan(0.8 * flood.length);
    expect(count('user:0', 'accepted')).toBeGreaterThan(0);
  }, 150_000);
});
