import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../data';
import { createLoss, createMiner } from '../dml/registry';
import { createEncoder } from '../encoder/encoder';
import { getRecipe, recipes, trainSoftmaxWithRecipe, trainWithRecipe } from './index';

describe('recipes', () => {
  let data: { inputs: Uint8Array; labels: Int32Array };

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const subset = await loadDataset({ data: 'fashion-mnist', split: 'test', classes: [0, 1, 2], perClassLimit: 20 });
    data = { inputs: subset.images, labels: subset.labels };
  });

  it('names default and fast, and rejects unknown names listing the known ones', () => {
    expect(getRecipe('default').name).toBe('default');
    expect(getRecipe('fast').name).toBe('fast');
    expect(() => getRecipe('turbo')).toThrow(/default, fast.*turbo/);
  });

  it('every recipe builds: encoder config, loss and miner from the registries', () => {
    for (const recipe of Object.values(recipes)) {
      const encoder = createEncoder(recipe.encoder);
      expect(encoder.inputShape).toEqual([28, 28, 1]);
      expect(createLoss(recipe.loss.name, recipe.loss.options ?? {})).toBeDefined();
      if (recipe.miner) expect(createMiner(recipe.miner.name, recipe.miner.options ?? {})).not.toBeNull();
      encoder.dispose();
    }
  });

  it('fast fits a CI budget; default fits the 10-minute training budget', () => {
    expect(recipes.fast.maxSeconds).toBeLessThanOrEqual(60);
    expect(recipes.default.maxSeconds).toBeLessThanOrEqual(600);
  });

  it("keeps the recipe's own budget when a caller passes budget options left undefined", async () => {
    const recipe = { ...getRecipe('fast'), itemsPerClass: 4, steps: 2, maxSeconds: 30 };
    const unset = { steps: undefined, epochs: undefined, maxSeconds: undefined };
    const metric = await trainWithRecipe(recipe, data, { ...unset, seed: 1, progressIntervalMs: 60_000 });
    expect(metric.summary.steps).toBe(2);
    metric.encoder.dispose();
    const softmax = await trainSoftmaxWithRecipe(recipe, data, { ...unset, seed: 1, progressIntervalMs: 60_000 });
    expect(softmax.summary.steps).toBe(2);
    softmax.encoder.dispose();
  });

  it('trains by a recipe and its softmax counterpart on the same batches per step', async () => {
    const recipe = { ...getRecipe('fast'), itemsPerClass: 4 };
    const metric = await trainWithRecipe(recipe, data, { steps: 3, seed: 1, progressIntervalMs: 60_000 });
    expect(metric.summary.steps).toBe(3);
    expect(metric.summary.samples).toBe(3 * 3 * 4);
    expect(Number.isFinite(metric.summary.finalLoss)).toBe(true);
    const softmax = await trainSoftmaxWithRecipe(recipe, data, { steps: 3, seed: 1, progressIntervalMs: 60_000 });
    expect(softmax.summary.samples).toBe(metric.summary.samples);
    expect(softmax.encoder.dim).toBe(metric.encoder.dim);
    metric.encoder.dispose();
    softmax.encoder.dispose();
  });
});
