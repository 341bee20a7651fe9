import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from '../core/queue';
import type { ImageDataset } from '../data/image-dataset';
import { createCatalogEmbedder } from '../catalog-embedding/catalog-embedder';
import type { OnlineTrainer, TrainerStatus } from './online-trainer';
import { fashionSubset, itemRecord, labelRecord } from '../../test/support/trainer/fashion-events';
import { startTestTrainer, type TestTrainer } from '../../test/support/trainer/online-trainer-fixture';
import { waitFor } from '../../test/e2e/support/wait-for';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('continuous training (embedded queue and stores, TF.js wasm, onnxruntime-node)', () => {
  let fixture: TestTrainer;
  let queue: Queue;
  let trainer: OnlineTrainer;
  let data: ImageDataset;
  /** The version of each whole-catalog re-embedding. */
  const reembedded: string[] = [];
  const GRANT = 5;

  beforeAll(async () => {
    data = await fashionSubset('train', 20);
    fixture = await startTestTrainer({
      prefix: 'discern-continuous-',
      logName: 'continuous-test',
      catalogEmbedder: (r, { vectorStore, log }) => {
        const local = createCatalogEmbedder({ runtime: r, vectorStore, batchSize: 256, log });
        return { embedCatalog: (job) => (reembedded.push(job.version), local.embedCatalog(job)) };
      },
      config: {
        learningRate: 3e-3,
        seed: 2,
        holdoutFraction: 0.25,
        // A gain of 0.5 MAP@R is out of reach: training plateaus after the first scoring plus two.
        gate: { tolerance: 1, minHeldOut: 10 },
        stepsAfterSignal: GRANT,
        evaluateEverySteps: 6,
        patience: 2,
        minDelta: 0.5,
        cpuBudget: 0.8,
        publishEverySteps: 10_000,
        publishEverySeconds: 10_000,
      },
    });
    ({ queue, trainer } = fixture);
  }, 60_000);

  afterAll(async () => {
    await fixture?.close();
  });

  /** A plateau reached after `evaluations` scorings, once its publication (the `candidates`-th one) is done. */
  const plateaued = (evaluations: number, candidates: number) => () => {
    const s = trainer.metrics();
    return s.training?.state === 'plateaued' && s.training.evaluations > evaluations && s.publications + s.rejections >= candidates ? s : undefined;
  };

  it('trains past the feedback grant while the holdout judges, stops when it plateaus, publishes the best weights and rests', async () => {
    const n = data.labels.length;
    await queue.publish('items', Array.from({ length: n }, (_, i) => itemRecord(data, i, `item-${i}`)));
    // Three quarters of the items labelled now, the rest later.
    await queue.publish('feedback', Array.from({ length: 150 }, (_, i) => labelRecord(`item-${i}`, String(data.labels[i]), `label-${i}`)));
    const status = await waitFor('a plateau', plateaued(0, 3), 90_000);
    const training = status.training!;
    expect(status.heldOut.items).toBeGreaterThanOrEqual(10);
    expect(training.judgedByHoldout).toBe(true);
    expect(training.metric).toBe('mapAtR');
    expect(training.evaluations).toBeGreaterThanOrEqual(3);
    expect(training.evaluationsSinceImprovement).toBe(2);
    // Well past the 5 steps one arrival of feedback grants.
    expect(status.steps).toBeGreaterThanOrEqual(3 * 6);
    // The candidate published at the plateau carries the best weights: its holdout score
    // (ONNX export, the same held-out rows) is the best score seen, not the last.
    const last = [status.lastPublication, status.lastRejection].filter((o) => o !== undefined).sort((a, b) => a!.at.localeCompare(b!.at)).at(-1)!;
    expect(last.metrics!.mapAtR).toBeCloseTo(training.bestScore!, 3);
    // Each re-embedding of the catalog is a publication, none a bare step.
    await sleep(2_500);
    const rested = trainer.metrics();
    expect(rested.steps).toBe(status.steps);
    expect(rested.training!.trainingSeconds).toBe(status.training!.trainingSeconds);
    expect(reembedded).toHaveLength(rested.publications);
    expect(rested.publications).toBeLessThanOrEqual(3);
    // 80 % of a core's time at most: a quarter of the time trained owed as rest (more while the first records were a backlog).
    expect(rested.training!.cpuBudget).toBe(0.8);
    expect(rested.training!.restSeconds / rested.training!.trainingSeconds).toBeGreaterThanOrEqual(0.2499);
    const text = await trainer.registry.metrics();
    expect(text).toMatch(/discern_trainer_training_state\{state="plateaued"\} 1/);
    expect(text).toMatch(/discern_trainer_holdout_best_score\{metric="mapAtR"\} [0-9.]+/);
    expect(text).toMatch(/discern_trainer_evaluations_since_improvement 2/);
  }, 120_000);

  it('resumes on new labelled feedback and plateaus again', async () => {
    const before = trainer.metrics() as TrainerStatus;
    await queue.publish('feedback', Array.from({ length: 50 }, (_, k) => labelRecord(`item-${150 + k}`, String(data.labels[150 + k]), `label-${150 + k}`)));
    await waitFor('training to resume', () => trainer.metrics().steps > before.steps, 30_000);
    const again = await waitFor('a second plateau', plateaued(before.training!.evaluations, before.publications + before.rejections + 2), 90_000);
    expect(again.steps).toBeGreaterThanOrEqual(before.steps + 2 * 6);
    expect(again.training!.evaluationsSinceImprovement).toBe(2);
    const published = [again.lastPublication, again.lastRejection].filter((o) => o !== undefined).sort((a, b) => a!.at.localeCompare(b!.at)).at(-1)!;
    expect(published.metrics!.mapAtR).toBeCloseTo(again.training!.bestScore!, 3);
    expect(reembedded).toHaveLength(again.publications);
  }, 120_000);
});
