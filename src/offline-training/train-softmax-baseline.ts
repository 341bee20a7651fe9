import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../dml/random';
import { PQSampler } from '../dml/samplers/pq-sampler';
import type { Encoder } from '../encoder/encoder';
import { L2Normalize } from '../encoder/layers/l2-normalize';
import { createLogger, type Logger } from '../log/logger';
import { finiteGradientStep, setLearningRate } from './gradient-step';
import { createImageAugmentation, type ImageAugmentationOptions } from './image-augmentation';
import type { LearningRateSchedule } from './learning-rate-schedule';
import type { TrainedEncoder } from './train-encoder';
import { runTrainingLoop, type StepReport, type TrainingBudget } from './training-loop';
import { checkTrainingSet, gatherBatch, type TrainingSet } from './training-set';

export interface TrainSoftmaxBaselineOptions extends TrainingBudget {
  encoder: Encoder;
  data: TrainingSet;
  /** Classes per batch. Default: every class. */
  classesPerBatch?: number;
  /** Examples per class in a batch. */
  itemsPerClass: number;
  /** Default 1e-3 (Adam). */
  learningRate?: number;
  /** Default cosine annealing to zero. */
  schedule?: LearningRateSchedule;
  augmentation?: ImageAugmentationOptions;
  clipNorm?: number;
  seed?: number;
  signal?: AbortSignal;
  onStep?: (report: StepReport) => void;
  log?: Logger;
  progressIntervalMs?: number;
}

/**
 * The classification baseline metric learning has to beat: the same encoder with a linear
 * classifier on its projection *before* L2 normalisation, trained with softmax cross-entropy.
 * The classifier is thrown away afterwards; the encoder's normal output (the L2-normalised
 * projection) is the embedding, so both approaches are evaluated identically.
 *
 * @example
 * const { encoder, summary } = await trainSoftmaxBaseline({ encoder, data, itemsPerClass: 32, maxSeconds: 600 });
 */
export async function trainSoftmaxBaseline(options: TrainSoftmaxBaselineOptions): Promise<TrainedEncoder> {
  const { encoder, data } = options;
  const inputShape = encoder.inputShape;
  checkTrainingSet(data, inputShape);
  const lastHeadLayer = encoder.head.layers[encoder.head.layers.length - 1];
  if (!(lastHeadLayer instanceof L2Normalize)) throw new Error('encoder: the softmax baseline needs a head that ends in L2Normalize');
  const classes = [...new Set(data.labels)].sort((a, b) => a - b);
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const classesPerBatch = options.classesPerBatch ?? classes.length;
  if (!(Number.isInteger(classesPerBatch) && classesPerBatch >= 2)) throw new Error(`classesPerBatch must be an integer ≥ 2, got ${options.classesPerBatch}`);
  if (!(Number.isInteger(options.itemsPerClass) && options.itemsPerClass >= 1)) throw new Error(`itemsPerClass must be a positive integer, got ${options.itemsPerClass}`);
  const learningRate = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 0;
  const log = options.log ?? createLogger('train');

  const sampler = PQSampler.fromLabels(data.labels, { classesPerBatch, itemsPerClass: options.itemsPerClass, seed });
  const augment = options.augmentation ? createImageAugmentation(inputShape, options.augmentation, createRandom(seed + 1)) : undefined;
  const classifier = tfl.sequential({ layers: [tfl.layers.dense({ units: classes.length, inputShape: [encoder.head.layers[encoder.head.layers.length - 2].outputShape[1] as number], name: 'softmax_classifier' })] });
  const optimizer = tf.train.adam(learningRate);
  const variables = [...encoder.trainableVariables(), ...classifier.trainableWeights.map((w) => w.read() as tf.Variable)];
  const batchSize = Math.min(classesPerBatch, classes.length) * options.itemsPerClass;

  log.info({ classes: classes.length, batchSize, learningRate, items: data.labels.length, backend: tf.getBackend() }, 'training softmax baseline');
  try {
    const summary = await runTrainingLoop({
      steps: options.steps,
      epochs: options.epochs,
      maxSeconds: options.maxSeconds,
      samplesPerStep: batchSize,
      datasetSize: data.labels.length,
      learningRate,
      schedule: options.schedule ?? { kind: 'cosine' },
      signal: options.signal,
      onStep: options.onStep,
      log,
      message: 'training softmax baseline',
      progressIntervalMs: options.progressIntervalMs,
      step: (rate) => {
        setLearningRate(optimizer, rate);
        const batch = sampler.nextBatch();
        const targets = Int32Array.from(batch.labels, (label) => classIndex.get(label)!);
        const x = gatherBatch(data, inputShape, batch.indices, 1, augment);
        try {
          return finiteGradientStep(() => {
            const logits = classifier.apply(projectionForTraining(encoder, x), { training: true }) as tf.Tensor2D;
            return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(targets, 'int32'), classes.length), logits) as tf.Scalar;
          }, [[optimizer, variables]], { clipNorm: options.clipNorm });
        } finally {
          x.dispose();
        }
      },
    });
    return { encoder, summary };
  } finally {
    optimizer.dispose();
    classifier.dispose();
  }
}

/** The encoder's training-mode output just before its final L2 normalisation. */
function projectionForTraining(encoder: Encoder, x: tf.Tensor): tf.Tensor2D {
  const trunk = encoder.trainsFeatureExtractor;
  let z = encoder.featureExtractor.apply(x, { training: trunk }) as tf.Tensor;
  const layers = encoder.head.layers;
  for (let i = 0; i < layers.length - 1; i++) z = layers[i].apply(z, { training: true }) as tf.Tensor;
  return z as tf.Tensor2D;
}
