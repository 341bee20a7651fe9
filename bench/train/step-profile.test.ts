import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEncoder, featureMlpConfig } from '../../src/encoder';
import type { TrainingRecipe } from '../../src/recipes/training-recipe';
import { profileTrainingStep } from './step-profile';
import { syntheticFeatures } from './synthetic-features';

const recipe: TrainingRecipe = {
  name: 'probe',
  description: 'tiny head',
  encoder: featureMlpConfig(32, { hidden: [16], dim: 8 }),
  loss: { name: 'multi-similarity' },
  miner: { name: 'multi-similarity' },
  classesPerBatch: 4,
  itemsPerClass: 4,
  learningRate: 1e-2,
  schedule: { kind: 'cosine' },
  maxSeconds: 1,
};

describe('profileTrainingStep', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('times the phases of a real step, trains the encoder, and ranks the kernels it ran', async () => {
    const data = syntheticFeatures({ items: 200, classes: 5, dim: 32 });
    expect(new Set(data.labels).size).toBe(5);
    const encoder = createEncoder(recipe.encoder);
    const before = encoder.trainableVariables().map((v) => v.dataSync().slice());
    const profile = await profileTrainingStep(recipe, encoder, data, { repeats: 2 });
    // Phases are timed in separate runs, so only their presence is checked, not how they compare.
    for (const phase of ['batchMs', 'forwardMs', 'backwardMs', 'optimizerMs', 'stepMs'] as const) {
      expect(Number.isFinite(profile[phase]), phase).toBe(true);
      expect(profile[phase], phase).toBeGreaterThanOrEqual(0);
    }
    // The profiled steps are real optimisation steps.
    const after = encoder.trainableVariables().map((v) => v.dataSync());
    expect(after.some((values, i) => values.some((x, j) => x !== before[i][j]))).toBe(true);
    const shares = profile.topKernels.map((k) => k.share);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    // Which kernels lead depends on the machine's load for a network this small; that there are
    // five, each run at least once, does not.
    expect(profile.topKernels).toHaveLength(5);
    for (const k of profile.topKernels) expect(k.calls, k.kernel).toBeGreaterThanOrEqual(1);
    encoder.dispose();
  });

  it('skips the phase timings when asked for no repeats', async () => {
    const encoder = createEncoder(recipe.encoder);
    const profile = await profileTrainingStep(recipe, encoder, syntheticFeatures({ items: 100, classes: 5, dim: 32 }), { repeats: 0, warmUp: false });
    expect(profile.stepMs).toBeNaN();
    expect(profile.topKernels.length).toBeGreaterThan(0);
    encoder.dispose();
  });
});
