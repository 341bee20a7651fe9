import { createLoss, createMiner } from '../dml/registry';
import { createEncoder, type Encoder } from '../encoder/encoder';
import { trainEncoder, type TrainEncoderOptions, type TrainedEncoder } from '../offline-training/train-encoder';
import { trainSoftmaxBaseline } from '../offline-training/train-softmax-baseline';
import type { TrainingSet } from '../offline-training/training-set';
import type { TrainingRecipe } from './training-recipe';

/** Run-specific settings a caller may change without editing the recipe. */
export type RecipeRunOptions = Partial<Pick<TrainEncoderOptions, 'steps' | 'epochs' | 'maxSeconds' | 'seed' | 'signal' | 'onStep' | 'log' | 'progressIntervalMs' | 'threads' | 'startReplicas'>> & {
  /** Start from this encoder instead of a fresh one built from `recipe.encoder`. */
  encoder?: Encoder;
};

/**
 * Trains a fresh encoder (or `options.encoder`) by `recipe` on `data`.
 *
 * @example
 * const { encoder, summary } = await trainWithRecipe(getRecipe('default'), { inputs: train.images, labels: train.labels });
 */
export async function trainWithRecipe(recipe: TrainingRecipe, data: TrainingSet, options: RecipeRunOptions = {}): Promise<TrainedEncoder> {
  const { encoder: given, ...run } = definedOnly(options);
  const encoder = given ?? createEncoder(recipe.encoder);
  const loss = createLoss(recipe.loss.name, recipe.loss.options ?? {});
  const miner = recipe.miner ? createMiner(recipe.miner.name, recipe.miner.options ?? {}) : null;
  try {
    return await trainEncoder({
      encoder,
      data,
      loss,
      miner: miner ?? undefined,
      classesPerBatch: recipe.classesPerBatch,
      itemsPerClass: recipe.itemsPerClass,
      learningRate: recipe.learningRate,
      lossLearningRate: recipe.lossLearningRate,
      schedule: recipe.schedule,
      augmentation: recipe.augmentation,
      instanceDiscrimination: recipe.instanceDiscrimination,
      inputSimilarity: recipe.inputSimilarity,
      clipNorm: recipe.clipNorm,
      ...budgetOf(recipe, run),
      ...run,
    });
  } finally {
    (loss as { dispose?: () => void }).dispose?.();
  }
}

/**
 * The softmax-classification baseline under the same conditions as `recipe`: same encoder
 * architecture, batch size, optimiser, schedule, augmentation and budget; only the objective
 * differs (cross-entropy through a linear classifier, dropped afterwards).
 *
 * @example
 * const baseline = await trainSoftmaxWithRecipe(getRecipe('default'), data);
 */
export async function trainSoftmaxWithRecipe(recipe: TrainingRecipe, data: TrainingSet, options: RecipeRunOptions = {}): Promise<TrainedEncoder> {
  const { encoder: given, ...run } = definedOnly(options);
  const encoder = given ?? createEncoder(recipe.encoder);
  // Same examples per step as the metric run, which sees each item twice when it adds views.
  const views = recipe.instanceDiscrimination && recipe.instanceDiscrimination.weight > 0 ? 2 : 1;
  return trainSoftmaxBaseline({
    encoder,
    data,
    classesPerBatch: recipe.classesPerBatch,
    itemsPerClass: recipe.itemsPerClass * views,
    learningRate: recipe.learningRate,
    schedule: recipe.schedule,
    augmentation: recipe.augmentation,
    clipNorm: recipe.clipNorm,
    ...budgetOf(recipe, run),
    ...run,
  });
}

function budgetOf(recipe: TrainingRecipe, run: RecipeRunOptions): Pick<TrainEncoderOptions, 'steps' | 'maxSeconds'> {
  // An explicit budget in the run replaces the recipe's whole budget, not just one field of it.
  if (run.steps !== undefined || run.epochs !== undefined || run.maxSeconds !== undefined) return {};
  return { steps: recipe.steps, maxSeconds: recipe.maxSeconds };
}

/** `options` without the keys set to undefined, which would otherwise erase the recipe's values when spread over them. */
function definedOnly<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}
