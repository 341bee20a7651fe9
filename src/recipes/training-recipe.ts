import type { EncoderConfigInput } from '../encoder/config';
import type { ImageAugmentationOptions } from '../offline-training/image-augmentation';
import type { InputSimilarityOptions, InstanceDiscriminationOptions } from '../offline-training/train-encoder';
import type { LearningRateSchedule } from '../offline-training/learning-rate-schedule';

/** One measured result behind a recipe: what it reached on classes it never trained on. */
export interface RecipeMeasurement {
  /** Classes trained on (TRAIN split) → classes evaluated (TEST split). */
  split: string;
  mapAtR: number;
  recallAt1: number;
  /** Same split, cosine kNN on raw pixels. */
  rawPixelMapAtR: number;
  /** Same split, same encoder and budget, softmax cross-entropy instead of the metric loss. */
  softmaxMapAtR?: number;
  trainingSeconds: number;
}

/**
 * Everything needed to train an encoder the same way twice: architecture, loss, miner, batch
 * shape, optimisation and budget. Plain JSON, so it can be printed, stored with a model version
 * and overridden field by field.
 */
export interface TrainingRecipe {
  name: string;
  description: string;
  encoder: EncoderConfigInput;
  /** A loss of the `src/dml` registry (`createLoss(name, options)`). */
  loss: { name: string; options?: Record<string, unknown> };
  /** A miner of the registry; absent: the loss uses every valid pair. */
  miner?: { name: string; options?: Record<string, unknown> };
  classesPerBatch: number;
  itemsPerClass: number;
  learningRate: number;
  /** Learning rate of loss variables such as proxies (default: `learningRate`). */
  lossLearningRate?: number;
  schedule: LearningRateSchedule;
  augmentation?: ImageAugmentationOptions;
  instanceDiscrimination?: InstanceDiscriminationOptions;
  inputSimilarity?: InputSimilarityOptions;
  clipNorm?: number;
  /** Step budget; the run also stops at `maxSeconds`. */
  steps?: number;
  maxSeconds: number;
  /** Results measured with this recipe, for the record. */
  measured?: RecipeMeasurement[];
}
