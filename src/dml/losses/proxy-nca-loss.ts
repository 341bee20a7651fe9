import * as tf from '@tensorflow/tfjs-core';
import { closeness, type Distance } from '../distances/distance';
import { LpDistance } from '../distances/lp-distance';
import type { IndicesTuple } from '../indices';
import { createRandom, type Random } from '../random';
import { MeanReducer } from '../reducers/mean-reducer';
import type { Reducer } from '../reducers/reducer';
import { checkBatch, type MetricLoss } from './metric-loss';
import { pairValues } from './pair-masks';
import { z } from 'zod';
import { distanceOption, reducerOption, positiveOption } from '../option-parts';
import { defineLoss } from './loss-registration';

export interface ProxyNCALossOptions {
  /** Multiplies the logits `-d(x, proxy)` before the softmax (inverse temperature). Default 1. */
  softmaxScale?: number;
  /** Default `LpDistance({ squared: true })` (squared Euclidean on unit vectors). */
  distance?: Distance;
  /** Default `MeanReducer` over the batch. */
  reducer?: Reducer;
  /** Width of the proxies; when absent it is taken from the first embeddings seen. */
  embeddingSize?: number;
  /** Proxy rows allocated up front; classes beyond it trigger a reallocation. Default 64. */
  initialCapacity?: number;
  /** Seed for the proxies' random initialisation. Default 0. */
  seed?: number;
}

/** What {@link ProxyNCALoss.ensureClasses} changed. */
export interface ProxyGrowth {
  /** Labels that received a new proxy, in first-seen order. */
  added: number[];
  /**
   * True when the proxies variable was replaced by a larger one. The old variable is disposed,
   * so any optimizer holding state for it must be rebuilt (TF.js optimizers keep per-variable
   * slots such as Adam's moments by position, sized like the old variable).
   */
  reallocated: boolean;
}

/**
 * ProxyNCA (Movshovitz-Attias et al. 2017, "No Fuss Distance Metric Learning using Proxies"):
 * one learnable proxy per class; each embedding is classified by a softmax over
 * `softmaxScale · -d(x, proxy_c)` and the loss is its cross-entropy. As in
 * pytorch-metric-learning the softmax runs over all proxies (including the positive one);
 * defaults are PML's.
 *
 * Classes may appear at any time (streaming feedback): call {@link ensureClasses} with the
 * batch labels before the training step. New classes fill preallocated rows of the same
 * variable, which the optimizer keeps tracking; only when capacity is exceeded is the variable
 * replaced (reported by `reallocated`, and `proxiesVersion` increments), and the optimizer that
 * updates `trainableVariables()` must then be recreated. Rows not yet assigned to a class get
 * zero gradients, so they stay untouched by SGD/Adam-style updates.
 *
 * @example
 * const loss = new ProxyNCALoss({ softmaxScale: 10 });
 * let proxyOptimizer = tf.train.adam(0.01);
 * if (loss.ensureClasses(labels).reallocated) proxyOptimizer = tf.train.adam(0.01);
 * proxyOptimizer.minimize(() => loss.compute(embeddings, labels), false, loss.trainableVariables());
 */
export class ProxyNCALoss implements MetricLoss {
  readonly name = 'proxy-nca';
  readonly softmaxScale: number;
  readonly distance: Distance;
  readonly reducer: Reducer;
  private embeddingSize: number | undefined;
  private capacity: number;
  private proxies: tf.Variable<tf.Rank.R2> | null = null;
  private readonly rowOf = new Map<number, number>();
  private readonly rng: Random;
  private version = 0;

  constructor(options: ProxyNCALossOptions = {}) {
    this.softmaxScale = options.softmaxScale ?? 1;
    if (!(this.softmaxScale > 0)) throw new Error(`ProxyNCALoss: softmaxScale must be > 0, got ${options.softmaxScale}`);
    this.distance = options.distance ?? new LpDistance({ squared: true });
    this.reducer = options.reducer ?? new MeanReducer();
    this.embeddingSize = options.embeddingSize;
    if (this.embeddingSize !== undefined && !(Number.isInteger(this.embeddingSize) && this.embeddingSize > 0)) {
      throw new Error(`ProxyNCALoss: embeddingSize must be a positive integer, got ${options.embeddingSize}`);
    }
    this.capacity = options.initialCapacity ?? 64;
    if (!(Number.isInteger(this.capacity) && this.capacity > 0)) {
      throw new Error(`ProxyNCALoss: initialCapacity must be a positive integer, got ${options.initialCapacity}`);
    }
    this.rng = createRandom(options.seed ?? 0);
  }

  /** Number of classes with a proxy. */
  get numClasses(): number {
    return this.rowOf.size;
  }

  /** Increments every time the proxies variable is replaced. */
  get proxiesVersion(): number {
    return this.version;
  }

  /** Labels with a proxy, in row order. */
  classes(): number[] {
    return [...this.rowOf.keys()];
  }

  /**
   * Adds a proxy for every label not seen before. Pass `embeddingSize` at construction or the
   * embedding width here when no proxy exists yet.
   *
   * @example
   * const { added, reallocated } = loss.ensureClasses(labels);
   */
  ensureClasses(labels: ArrayLike<number>, embeddingSize?: number): ProxyGrowth {
    const fresh = new Set<number>();
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (!Number.isInteger(label)) throw new Error(`ProxyNCALoss: labels[${i}] must be an integer, got ${label}`);
      if (!this.rowOf.has(label)) fresh.add(label);
    }
    const added = [...fresh];
    if (added.length === 0) return { added, reallocated: false };
    if (embeddingSize !== undefined && this.embeddingSize !== undefined && embeddingSize !== this.embeddingSize) {
      throw new Error(`ProxyNCALoss: embeddingSize ${embeddingSize} differs from the proxies' ${this.embeddingSize}`);
    }
    this.embeddingSize ??= embeddingSize;
    const dim = this.embeddingSize;
    if (dim === undefined) throw new Error('ProxyNCALoss: embeddingSize is unknown; pass it to the constructor or to ensureClasses');

    const firstRow = this.rowOf.size;
    for (const label of added) this.rowOf.set(label, this.rowOf.size);
    let reallocated = false;
    if (this.proxies === null) {
      while (this.capacity < this.rowOf.size) this.capacity *= 2;
      this.proxies = tf.variable(tf.zeros([this.capacity, dim]), true) as tf.Variable<tf.Rank.R2>;
    } else if (this.rowOf.size > this.capacity) {
      while (this.capacity < this.rowOf.size) this.capacity *= 2;
      const old = this.proxies;
      this.proxies = tf.variable(tf.tidy(() => tf.concat([old, tf.zeros([this.capacity - old.shape[0], dim])], 0)), true) as tf.Variable<tf.Rank.R2>;
      old.dispose();
      this.version++;
      reallocated = true;
    }
    const initial = new Float32Array(added.length * dim);
    // Unit-scale rows: the distance normalises them anyway, and norms near 1 keep early gradients well scaled.
    const std = 1 / Math.sqrt(dim);
    for (let k = 0; k < initial.length; k++) initial[k] = this.rng.normal() * std;
    const proxies = this.proxies;
    tf.tidy(() => {
      const before = tf.slice(proxies, [0, 0], [firstRow, dim]);
      const after = tf.slice(proxies, [firstRow + added.length, 0], [this.capacity - firstRow - added.length, dim]);
      proxies.assign(tf.concat([before, tf.tensor2d(initial, [added.length, dim]), after], 0) as tf.Tensor2D);
    });
    return { added, reallocated };
  }

  /**
   * Cross-entropy of each embedding against the proxies. Every label must already have a
   * proxy ({@link ensureClasses}). Mined indices are ignored: proxies replace pairs.
   */
  compute(embeddings: tf.Tensor2D, labels: Int32Array, _indices?: IndicesTuple): tf.Scalar {
    checkBatch('ProxyNCALoss', embeddings, labels);
    const rows = new Int32Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const row = this.rowOf.get(labels[i]);
      if (row === undefined) throw new Error(`ProxyNCALoss: label ${labels[i]} (labels[${i}]) has no proxy; call ensureClasses(labels) before the training step`);
      rows[i] = row;
    }
    if (labels.length === 0) return tf.tidy(() => tf.sum(tf.mul(embeddings, 0)));
    const proxies = this.proxies!;
    if (embeddings.shape[1] !== proxies.shape[1]) {
      throw new Error(`ProxyNCALoss: embeddings have width ${embeddings.shape[1]} but proxies have embeddingSize ${proxies.shape[1]}`);
    }
    const numClasses = this.rowOf.size;
    return tf.tidy(() => {
      const active = tf.slice(proxies, [0, 0], [numClasses, proxies.shape[1]]) as tf.Tensor2D;
      const logits = tf.mul(closeness(this.distance, this.distance.matrix(embeddings, active)), this.softmaxScale);
      const target = pairValues(logits as tf.Tensor2D, Int32Array.from(rows.keys()), rows);
      return this.reducer.reduce(tf.sub(tf.logSumExp(logits, 1), target) as tf.Tensor1D);
    });
  }

  /** The current proxies variable (empty before the first class). Re-read after a reallocation. */
  trainableVariables(): tf.Variable[] {
    return this.proxies ? [this.proxies] : [];
  }

  /** A copy of the proxies in use, one row per class in {@link classes} order. */
  proxyMatrix(): tf.Tensor2D {
    if (!this.proxies) throw new Error('ProxyNCALoss: no proxies yet; call ensureClasses first');
    const proxies = this.proxies;
    return tf.tidy(() => tf.slice(proxies, [0, 0], [this.rowOf.size, proxies.shape[1]]) as tf.Tensor2D);
  }

  /** Releases the proxies variable. */
  dispose(): void {
    this.proxies?.dispose();
    this.proxies = null;
  }
}

/** Builds the loss by name (`proxy-nca`) from plain options, for the registry. */
export const registration = defineLoss({
  name: 'proxy-nca',
  options: z
    .strictObject({
      distance: distanceOption,
      reducer: reducerOption,
      softmaxScale: positiveOption,
      embeddingSize: z.number().int().positive(),
      initialCapacity: z.number().int().positive(),
      seed: z.number().int(),
    })
    .partial(),
  create: (options) => new ProxyNCALoss(options),
});
