import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend';
import { createEncoder, type Encoder } from '../encoder/encoder';
import { createLogger } from '../log/logger';
import { ContinuousTraining } from './continuous-training';
import { PublicationCadence } from './publication-cadence';
import { tinyCnnConfig } from '../../test/support/trainer/fashion-events';
import { createTrainerMetrics } from './trainer-metrics';

describe('ContinuousTraining (the policy, with a scripted holdout score)', () => {
  let encoder: Encoder;
  let probe: tf.Tensor;
  beforeAll(async () => {
    await selectBackend('wasm');
    encoder = createEncoder(tinyCnnConfig());
    probe = tf.randomUniform([4, 28, 28, 1], 0, 255, 'float32', 1);
  });

  const embedding = () => Array.from(tf.tidy(() => encoder.embed(probe)).dataSync());
  /** A "step" that moves every trainable weight. */
  const nudge = () => tf.tidy(() => encoder.trainableVariables().forEach((v) => v.assign(tf.add(v, tf.randomNormal(v.shape, 0, 0.05)))));

  function setup(scores: number[], heldOut = 100) {
    const cadence = new PublicationCadence({ stepsAfterSignal: 3, everySteps: 10_000, everySeconds: 10_000 });
    const seen: number[][] = [];
    let size = heldOut;
    const training = new ContinuousTraining({
      options: { evaluateEverySteps: 2, patience: 2, minDelta: 0.01 },
      minHeldOut: 50,
      heldOutSize: () => size,
      evaluate: async () => (seen.push(embedding()), { metric: 'mapAtR', score: scores[seen.length - 1] }),
      encoder: () => encoder,
      cadence,
      metrics: createTrainerMetrics(),
      log: createLogger('policy-test'),
    });
    let step = 0;
    /** Steps while training wants them (at most `maxSteps`); returns how many. */
    const run = async (maxSteps: number) => {
      let steps = 0;
      for (; training.wantsSteps() && steps < maxSteps; steps++) {
        nudge();
        cadence.stepped();
        await training.stepped(++step);
      }
      return steps;
    };
    return { cadence, training, seen, run, resize: (n: number) => (size = n) };
  }

  it('trains past the grant until the score stops rising, then puts the best weights back and asks for them to be published', async () => {
    const { cadence, training, seen, run } = setup([0.3, 0.5, 0.505, 0.45]);
    cadence.signalled(0);
    training.signalled();
    expect(training.state).toBe('active');
    const steps = await run(100);
    // Scored at steps 2, 4, 6, 8: the gain at 6 is below minDelta, 8 is worse: patience 2 runs out.
    expect(steps).toBe(8);
    expect(training.state).toBe('plateaued');
    expect(training.wantsSteps()).toBe(false);
    expect(training.status()).toMatchObject({ state: 'plateaued', judgedByHoldout: true, bestScore: 0.505, bestStep: 6, lastScore: 0.45, evaluations: 4, evaluationsSinceImprovement: 2 });
    // The encoder holds the weights scored best (step 6), not the last ones.
    embedding().forEach((v, i) => expect(v).toBeCloseTo(seen[2][i], 5));
    expect(cadence.due(Date.now())).toBe(true);
    cadence.published(Date.now());
    training.published();
    // New feedback: training resumes.
    cadence.signalled(Date.now());
    training.signalled();
    expect(training.state).toBe('active');
    expect(training.status().bestScore).toBeUndefined();
  });

  it('does not ask to publish the best weights again when they are what was published', async () => {
    const { cadence, training, run } = setup([0.5, 0.4, 0.4]);
    training.signalled();
    await run(2);
    // Published at step 2, the best one.
    cadence.published(Date.now());
    training.published();
    await run(100);
    expect(training.state).toBe('plateaued');
    expect(cadence.due(Date.now())).toBe(false);
  });

  it('falls back to the feedback grant while the holdout is too small to judge, and waits when nothing is trainable', async () => {
    const { cadence, training, seen, run, resize } = setup([0.5], 10);
    cadence.signalled(0);
    training.signalled();
    expect(await run(100)).toBe(3);
    expect(seen).toHaveLength(0);
    expect(training.status()).toMatchObject({ state: 'waiting-for-data', judgedByHoldout: false });
    resize(60);
    expect(training.state).toBe('active');
    training.exhausted();
    expect(training.state).toBe('waiting-for-data');
    expect(training.wantsSteps()).toBe(false);
  });
});
