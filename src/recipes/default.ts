import type { TrainingRecipe } from './training-recipe';

/**
 * The default way to train a thumbnail encoder (28×28 grey images) from labelled examples, on
 * one CPU core in about nine minutes.
 *
 * Network: the small no-BatchNorm CNN (16-32-64 filters, global average pooling, 128-unit
 * hidden layer, 64-d unit-length embedding). Objective: multi-similarity loss with its miner on
 * P×Q batches, plus an input-similarity anchor that keeps the embedding's cosine geometry close
 * to that of the 4×4-pooled raw pixels.
 *
 * Why the anchor: trained on Fashion-MNIST classes 0–4 and tested on the unseen classes 5–9,
 * every purely class-supervised objective tried (softmax, normalised softmax, multi-similarity,
 * with or without instance discrimination, flattened or pooled trunks, frozen trunk, larger
 * embeddings) *lowered* unseen-class MAP@R below its value at initialisation within the first
 * ~20 steps: five classes teach directions that separate those five and collapse the unseen
 * ones (three kinds of footwear) onto each other. Anchoring to the pixels' own geometry is the
 * one change that kept improving unseen-class MAP@R as training went on (see `measured`):
 * the full budget reaches MAP@R 0.49 on unseen classes 5–9, above raw pixels (0.471) and well
 * above the softmax embedding of the same network, but short of a 25% gain over raw pixels.
 * The global average pooling of this trunk limits it: a flattened trunk with the same
 * objective scored 0.446 after 150 steps where the pooled one scored 0.413.
 *
 * @example
 * const { encoder, summary } = await trainWithRecipe(defaultRecipe, { inputs: train.images, labels: train.labels });
 */
export const defaultRecipe: TrainingRecipe = {
  name: 'default',
  description: 'no-BN thumbnail CNN, multi-similarity loss + miner, input-similarity anchor (pooled pixels), Adam 1e-3 cosine, ~9 min on one core',
  encoder: {
    kind: 'cnn',
    input: { height: 28, width: 28, channels: 1 },
    normalization: { mean: [72.94], std: [90.02] },
    blocks: [
      { filters: 16, kernelSize: 3, pool: 'max' },
      { filters: 32, kernelSize: 3, pool: 'max' },
      { filters: 64, kernelSize: 3, pool: null },
    ],
    batchNorm: false,
    globalPool: 'avg',
    head: { hidden: [128], dim: 64 },
    trainable: 'all',
  },
  loss: { name: 'multi-similarity', options: { alpha: 2, beta: 50, base: 0.5 } },
  miner: { name: 'multi-similarity', options: { epsilon: 0.1 } },
  classesPerBatch: 8,
  itemsPerClass: 32,
  learningRate: 1e-3,
  schedule: { kind: 'cosine' },
  inputSimilarity: { weight: 100, pool: 4 },
  maxSeconds: 540,
  measured: [
    // Fashion-MNIST, TRAIN split of the training classes → TEST split of the unseen classes;
    // wasm backend, one core of a shared 2-core machine (≈335 examples/s).
    { split: 'train 0-4 → test 5-9', mapAtR: 0.49, recallAt1: 0.906, rawPixelMapAtR: 0.471, softmaxMapAtR: 0.309, trainingSeconds: 540 },
    // A shortened budget; the softmax embedding had the same 200 s.
    { split: 'train 5-9 → test 0-4', mapAtR: 0.302, recallAt1: 0.759, rawPixelMapAtR: 0.4, softmaxMapAtR: 0.232, trainingSeconds: 200 },
  ],
};
