import * as tf from '@tensorflow/tfjs-core';
import type { MetricLoss } from '../dml/losses/metric-loss';
import type { Miner } from '../dml/miners/miner';
import { createRandom } from '../dml/random';
import { PQSampler } from '../dml/samplers/pq-sampler';
import type { Encoder } from '../encoder/encoder';
import { createLogger, type Logger } from '../log/logger';
import type { GradientReplicas, StartGradientReplicas } from './gradient-replicas-port';
import { applyFiniteGradients, finiteGradientStep, setLearningRate } from './gradient-step';
import { createImageAugmentation, type ImageAugmentationOptions } from './image-augmentation';
import { inputSimilarityPreservation } from './input-similarity-preservation';
import { instanceContrastLoss } from './instance-contrast';
import type { LearningRateSchedule } from './learning-rate-schedule';
import { runTrainingLoop, type StepReport, type TrainingBudget, type TrainingSummary } from './training-loop';
import { checkTrainingSet, gatherBatch, type TrainingSet } from './training-set';

export interface InstanceDiscriminationOptions {
  /** Weight of the NT-Xent term added to the metric loss. */
  weight: number;
  /** Softmax temperature of the NT-Xent term. Default 0.1. */
  temperature?: number;
}

export interface InputSimilarityOptions {
  /** Weight of the term added to the metric loss. */
  weight: number;
  /** Average-pooling factor applied to image inputs before their similarities are taken. Default 4. */
  pool?: number;
}

export interface TrainEncoderOptions extends TrainingBudget {
  encoder: Encoder;
  data: TrainingSet;
  loss: MetricLoss;
  /** Picks the pairs/triplets the loss uses; absent: the loss uses every valid one. */
  miner?: Miner;
  /** P: classes per batch. */
  classesPerBatch: number;
  /** Q: examples per class in a batch. */
  itemsPerClass: number;
  /** Base learning rate of Adam. Default 1e-3. */
  learningRate?: number;
  /** Learning rate of the loss's own variables (e.g. proxies). Default: `learningRate`. */
  lossLearningRate?: number;
  /** Default cosine annealing to zero over the budget. */
  schedule?: LearningRateSchedule;
  /** Random shifts/flips of image inputs; absent: none. */
  augmentation?: ImageAugmentationOptions;
  /**
   * Adds a label-free term: each batch item is seen in two augmented views, which must find
   * each other. Doubles the examples per step.
   */
  instanceDiscrimination?: InstanceDiscriminationOptions;
  /**
   * Adds a term keeping the embeddings' cosine similarities close to those of the (pooled) raw
   * inputs, so the space stays meaningful for classes absent from training.
   */
  inputSimilarity?: InputSimilarityOptions;
  /** Rescales gradients whose global norm exceeds this. */
  clipNorm?: number;
  /**
   * Threads computing each step's gradients (data-parallel: each runs the network on part of the
   * batch; the loss and miner still see the whole batch). Default 1. Used on the wasm and cpu
   * backends for encoders without batch normalisation; otherwise training runs on one thread.
   */
  threads?: number;
  /** Starts the replica threads when `threads` > 1 (the runtime's: `startGradientReplicas` of `src/training-threads`). */
  startReplicas?: StartGradientReplicas;
  /** Seeds batch sampling and augmentation. Default 0. */
  seed?: number;
  signal?: AbortSignal;
  onStep?: (report: StepReport) => void;
  log?: Logger;
  progressIntervalMs?: number;
}

/** The trained encoder (the same object, trained in place) and what the run did. */
export interface TrainedEncoder {
  encoder: Encoder;
  summary: TrainingSummary;
}

/**
 * Trains an encoder offline with a metric-learning loss: P×Q class-balanced batches, optional
 * augmentation, the miner and loss evaluated on training-mode embeddings (BatchNorm uses batch
 * statistics and updates its moving averages), Adam with a scheduled learning rate, and
 * non-finite steps skipped rather than applied. Stops at the first of steps/epochs/maxSeconds.
 *
 * @example
 * const { encoder, summary } = await trainEncoder({
 *   encoder: createEncoder(thumbnailCnnConfig()), data: { inputs, labels },
 *   loss: new MultiSimilarityLoss(), miner: new MultiSimilarityMiner(),
 *   classesPerBatch: 8, itemsPerClass: 16, maxSeconds: 600, seed: 1,
 * });
 * summary.samplesPerSecond; // e.g. 480
 */
export async function trainEncoder(options: TrainEncoderOptions): Promise<TrainedEncoder> {
  const { encoder, data, loss, miner } = options;
  const inputShape = encoder.inputShape;
  checkTrainingSet(data, inputShape);
  checkPositiveInteger(options.classesPerBatch, 'classesPerBatch');
  checkPositiveInteger(options.itemsPerClass, 'itemsPerClass');
  const instance = options.instanceDiscrimination;
  if (instance !== undefined && !(instance.weight >= 0)) throw new Error(`instanceDiscrimination.weight must be ≥ 0, got ${instance.weight}`);
  const anchor = options.inputSimilarity;
  if (anchor !== undefined && !(anchor.weight >= 0)) throw new Error(`inputSimilarity.weight must be ≥ 0, got ${anchor.weight}`);
  if (anchor?.pool !== undefined && !(Number.isInteger(anchor.pool) && anchor.pool >= 1)) throw new Error(`inputSimilarity.pool must be a positive integer, got ${anchor.pool}`);
  const learningRate = options.learningRate ?? 1e-3;
  if (!(learningRate > 0)) throw new Error(`learningRate must be > 0, got ${options.learningRate}`);
  const lossLearningRate = options.lossLearningRate ?? learningRate;
  if (!(lossLearningRate > 0)) throw new Error(`lossLearningRate must be > 0, got ${options.lossLearningRate}`);
  const seed = options.seed ?? 0;
  const log = options.log ?? createLogger('train');

  const sampler = PQSampler.fromLabels(data.labels, { classesPerBatch: options.classesPerBatch, itemsPerClass: options.itemsPerClass, seed });
  const augment = options.augmentation ? createImageAugmentation(inputShape, options.augmentation, createRandom(seed + 1)) : undefined;
  const views = instance && instance.weight > 0 ? 2 : 1;
  const temperature = instance?.temperature ?? 0.1;
  // Losses with per-class variables (proxies) need every class before the first step, so that
  // the optimizer tracks one fixed set of variables for the whole run.
  const classGrowth = loss as MetricLoss & { ensureClasses?: (labels: ArrayLike<number>, embeddingSize?: number) => unknown };
  if (typeof classGrowth.ensureClasses === 'function') classGrowth.ensureClasses(Int32Array.from(new Set(data.labels)), encoder.dim);

  const networkOptimizer = tf.train.adam(learningRate);
  const lossOptimizer = tf.train.adam(lossLearningRate);
  const groups: Array<[tf.Optimizer, tf.Variable[]]> = [[networkOptimizer, encoder.trainableVariables()]];
  if (loss.trainableVariables().length > 0) groups.push([lossOptimizer, loss.trainableVariables()]);
  const batchSize = Math.min(options.classesPerBatch, new Set(data.labels).size) * options.itemsPerClass;

  const replicas = await gradientReplicasFor(encoder, options.threads ?? 1, options.startReplicas, batchSize * views, log);
  log.info({ loss: loss.name, miner: miner?.name, P: options.classesPerBatch, Q: options.itemsPerClass, views, learningRate, items: data.labels.length, backend: tf.getBackend(), threads: replicas?.threads ?? 1 }, 'training encoder');
  // The whole batch's loss from its embeddings: on one thread or over the replicas alike.
  const lossOf = (embeddings: tf.Tensor2D, x: tf.Tensor, labels: Int32Array): tf.Scalar => {
    let total = loss.compute(embeddings, labels, miner?.mine(embeddings, labels));
    if (views === 2) total = tf.add(total, tf.mul(instanceContrastLoss(embeddings, temperature), instance!.weight));
    if (anchor && anchor.weight > 0) total = tf.add(total, tf.mul(inputSimilarityPreservation(embeddings, x, anchor.pool ?? 4), anchor.weight));
    return total;
  };
  try {
    const summary = await runTrainingLoop({
      steps: options.steps,
      epochs: options.epochs,
      maxSeconds: options.maxSeconds,
      samplesPerStep: batchSize * views,
      datasetSize: data.labels.length,
      learningRate,
      schedule: options.schedule ?? { kind: 'cosine' },
      signal: options.signal,
      onStep: options.onStep,
      log,
      message: 'training encoder',
      progressIntervalMs: options.progressIntervalMs,
      step: async (rate) => {
        setLearningRate(networkOptimizer, rate);
        setLearningRate(lossOptimizer, (rate * lossLearningRate) / learningRate);
        const batch = sampler.nextBatch();
        const labels = views === 1 ? batch.labels : repeatLabels(batch.labels, views);
        const x = gatherBatch(data, inputShape, batch.indices, views, augment);
        try {
          if (replicas) return applyFiniteGradients(await replicas.variableGrads(x, (e) => lossOf(e, x, labels), loss.trainableVariables()), groups, { clipNorm: options.clipNorm });
          return finiteGradientStep(() => lossOf(encoder.embedForTraining(x), x, labels), groups, { clipNorm: options.clipNorm });
        } finally {
          x.dispose();
        }
      },
    });
    return { encoder, summary };
  } finally {
    networkOptimizer.dispose();
    lossOptimizer.dispose();
    await replicas?.close();
  }
}

/** Replica threads for `threads` > 1 where they give the single-thread result; null (one thread) otherwise, saying why. */
async function gradientReplicasFor(encoder: Encoder, threads: number, startReplicas: StartGradientReplicas | undefined, maxRows: number, log: Logger): Promise<GradientReplicas | null> {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`threads must be a positive integer, got ${threads}`);
  if (threads === 1) return null;
  if (!startReplicas) throw new Error(`threads: ${threads} threads need startReplicas, the runtime that starts them`);
  const backend = tf.getBackend();
  const reason =
    backend !== 'wasm' && backend !== 'cpu' ? `the ${backend} backend runs its own threads` : encoder.config.batchNorm ? 'batch normalisation takes statistics over the whole batch' : maxRows < 2 * threads ? 'batches are too small to split' : undefined;
  if (reason) {
    log.info({ threads, reason }, 'training on one thread');
    return null;
  }
  return startReplicas({ encoder, threads, maxRows, backend: backend as 'wasm' | 'cpu' });
}

function repeatLabels(labels: Int32Array, times: number): Int32Array {
  const out = new Int32Array(labels.length * times);
  for (let t = 0; t < times; t++) out.set(labels, t * labels.length);
  return out;
}

function checkPositiveInteger(value: number, field: string): void {
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`${field} must be a positive integer, got ${value}`);
}
