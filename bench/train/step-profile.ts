import * as tf from '@tensorflow/tfjs-core';
import { createMiner, createLoss } from '../../src/dml/registry';
import { createRandom } from '../../src/dml/random';
import { PQSampler } from '../../src/dml/samplers/pq-sampler';
import type { Encoder } from '../../src/encoder/encoder';
import type { TrainingRecipe } from '../../src/recipes/training-recipe';
import { finiteGradientStep } from '../../src/offline-training/gradient-step';
import { createImageAugmentation } from '../../src/offline-training/image-augmentation';
import { inputSimilarityPreservation } from '../../src/offline-training/input-similarity-preservation';
import { instanceContrastLoss } from '../../src/offline-training/instance-contrast';
import { gatherBatch, type TrainingSet } from '../../src/offline-training/training-set';

/** Where one training step spends its time. */
export interface StepProfile {
  /** Sampling, augmentation and upload of one batch. */
  batchMs: number;
  /** Embedding plus miner plus loss, read back (no gradients). */
  forwardMs: number;
  /** Gradients on top of the forward pass. */
  backwardMs: number;
  /** Gradient norm read-back plus Adam updates. */
  optimizerMs: number;
  /** The whole step as `trainEncoder` runs it. */
  stepMs: number;
  /** Kernels by share of the kernel time of one profiled step, largest first. */
  topKernels: Array<{ kernel: string; ms: number; share: number; calls: number }>;
}

/**
 * Times the phases of the step `trainEncoder` runs for `recipe` (median over `repeats` steps; NaN
 * with `repeats: 0`) and profiles the kernels of one step with `tf.profile`. Kernels of the cpu and wasm backends run
 * synchronously, so wall-clock phase times are what the step costs.
 *
 * @example
 * const profile = await profileTrainingStep(recipe, encoder, data, { repeats: 3 });
 * profile.topKernels[0]; // { kernel: 'Conv2DBackpropFilter', share: 0.31, ... }
 */
export async function profileTrainingStep(recipe: TrainingRecipe, encoder: Encoder, data: TrainingSet, options: { repeats?: number; seed?: number; warmUp?: boolean } = {}): Promise<StepProfile> {
  const repeats = options.repeats ?? 3;
  const warmUp = options.warmUp ?? true;
  const seed = options.seed ?? 0;
  const shape = encoder.inputShape;
  const loss = createLoss(recipe.loss.name, recipe.loss.options ?? {});
  const miner = recipe.miner ? createMiner(recipe.miner.name, recipe.miner.options ?? {}) : null;
  const sampler = PQSampler.fromLabels(data.labels, { classesPerBatch: recipe.classesPerBatch, itemsPerClass: recipe.itemsPerClass, seed });
  const augment = recipe.augmentation && shape.length === 3 ? createImageAugmentation(shape, recipe.augmentation, createRandom(seed + 1)) : undefined;
  const views = recipe.instanceDiscrimination && recipe.instanceDiscrimination.weight > 0 ? 2 : 1;
  const classGrowth = loss as typeof loss & { ensureClasses?: (labels: ArrayLike<number>, embeddingSize?: number) => unknown };
  if (typeof classGrowth.ensureClasses === 'function') classGrowth.ensureClasses(Int32Array.from(new Set(data.labels)), encoder.dim);
  const optimizer = tf.train.adam(recipe.learningRate);
  const groups: Array<[tf.Optimizer, tf.Variable[]]> = [[optimizer, [...encoder.trainableVariables(), ...loss.trainableVariables()]]];

  const nextBatch = () => {
    const batch = sampler.nextBatch();
    const labels = views === 1 ? batch.labels : Int32Array.from([...batch.labels, ...batch.labels]);
    return { x: gatherBatch(data, shape, batch.indices, views, augment), labels };
  };
  const lossOf = (x: tf.Tensor, labels: Int32Array) => () => {
    const embeddings = encoder.embedForTraining(x);
    let total = loss.compute(embeddings, labels, miner?.mine(embeddings, labels));
    if (views === 2) total = tf.add(total, tf.mul(instanceContrastLoss(embeddings, recipe.instanceDiscrimination!.temperature ?? 0.1), recipe.instanceDiscrimination!.weight));
    const anchor = recipe.inputSimilarity;
    if (anchor && anchor.weight > 0) total = tf.add(total, tf.mul(inputSimilarityPreservation(embeddings, x, anchor.pool ?? 4), anchor.weight));
    return total;
  };
  const time = (f: () => void) => {
    const started = performance.now();
    f();
    return performance.now() - started;
  };

  const samples = { batchMs: [] as number[], forwardMs: [] as number[], gradientsMs: [] as number[], stepMs: [] as number[] };
  try {
    // One untimed step first: kernel set-up and optimizer slots are a one-off cost.
    for (let r = warmUp ? -1 : 0; r < repeats; r++) {
      let batch!: ReturnType<typeof nextBatch>;
      const batchMs = time(() => (batch = nextBatch()));
      const forwardMs = time(() => tf.tidy(lossOf(batch.x, batch.labels)).dataSync());
      const gradientsMs = time(() => {
        const { value, grads } = tf.variableGrads(lossOf(batch.x, batch.labels), groups[0][1]);
        value.dataSync();
        tf.dispose([value, ...Object.values(grads)]);
      });
      const stepMs = time(() => finiteGradientStep(lossOf(batch.x, batch.labels), groups, { clipNorm: recipe.clipNorm }));
      batch.x.dispose();
      if (r < 0) continue;
      samples.batchMs.push(batchMs);
      samples.forwardMs.push(forwardMs);
      samples.gradientsMs.push(gradientsMs);
      samples.stepMs.push(stepMs);
    }

    const batch = nextBatch();
    const profile = await tf.profile(() => {
      finiteGradientStep(lossOf(batch.x, batch.labels), groups, { clipNorm: recipe.clipNorm });
      return [];
    });
    batch.x.dispose();
    const byKernel = new Map<string, { ms: number; calls: number }>();
    for (const kernel of profile.kernels) {
      const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
      entry.ms += Number(kernel.kernelTimeMs);
      entry.calls++;
      byKernel.set(kernel.name, entry);
    }
    const totalKernelMs = [...byKernel.values()].reduce((a, k) => a + k.ms, 0);
    const topKernels = [...byKernel.entries()]
      .map(([kernel, k]) => ({ kernel, ms: k.ms, share: totalKernelMs > 0 ? k.ms / totalKernelMs : 0, calls: k.calls }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 5);

    const forwardMs = median(samples.forwardMs);
    const gradientsMs = median(samples.gradientsMs);
    const stepMs = median(samples.stepMs);
    return {
      batchMs: median(samples.batchMs),
      forwardMs,
      backwardMs: Math.max(0, gradientsMs - forwardMs),
      optimizerMs: Math.max(0, stepMs - gradientsMs),
      stepMs,
      topKernels,
    };
  } finally {
    optimizer.dispose();
    (loss as { dispose?: () => void }).dispose?.();
  }
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
