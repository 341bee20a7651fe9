import { defaultRecipe } from './default';
import type { TrainingRecipe } from './training-recipe';

/**
 * The default recipe cut down for tests and CI: same objective, a narrower network and a
 * budget of at most 150 steps or 45 seconds, whichever comes first.
 *
 * @example
 * await trainWithRecipe(fastRecipe, data); // < 60 s on one core
 */
export const fastRecipe: TrainingRecipe = {
  ...defaultRecipe,
  name: 'fast',
  description: 'the default objective on a narrower CNN, ≤150 steps or 45 s (tests, CI)',
  encoder: {
    ...defaultRecipe.encoder,
    kind: 'cnn',
    input: { height: 28, width: 28, channels: 1 },
    normalization: { mean: [72.94], std: [90.02] },
    blocks: [
      { filters: 8, kernelSize: 3, pool: 'max' },
      { filters: 16, kernelSize: 3, pool: 'max' },
    ],
    head: { hidden: [64], dim: 32 },
  },
  itemsPerClass: 16,
  steps: 150,
  maxSeconds: 45,
  measured: undefined,
};
