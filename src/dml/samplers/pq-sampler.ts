import { createRandom, pickCumulative, type Random } from '../random';
import { recencyWeight } from './recency-weight';

export interface PQSamplerOptions {
  /** P: classes per batch (≥ 2). With fewer classes available, every class is used. */
  classesPerBatch: number;
  /** Q: items per class (≥ 1). Classes with fewer items are sampled with replacement. */
  itemsPerClass: number;
  /** Seed of the sampler's random stream. Default 0. */
  seed?: number;
  /**
   * Favour recent items: an item's weight halves for every `recencyHalfLifeMs` it is older than
   * its class's newest item, and a class's weight halves likewise with the age of its newest
   * item. Absent: uniform over classes and over items.
   */
  recencyHalfLifeMs?: number;
  /** With a half-life: the least weight of an old item or class relative to the newest (default 0). */
  recencyMinWeight?: number;
  /** Clock for items added without a timestamp. Default `Date.now`. */
  now?: () => number;
}

/** One batch: P groups of Q entries, grouped by class. */
export interface PQBatch {
  /** Item indices (as given to `add`); repeats only within a class that has fewer than Q items. */
  indices: Int32Array;
  labels: Int32Array;
}

interface ClassItems {
  indices: number[];
  times: number[];
}

/**
 * Class-balanced "P×Q" batches for metric learning: P distinct classes, Q items each, so every
 * anchor has positives and negatives in its batch. Items may be added and removed at any time
 * (a stream of feedback); new classes become eligible as soon as they have an item.
 *
 * @example
 * const sampler = PQSampler.fromLabels(trainLabels, { classesPerBatch: 16, itemsPerClass: 4, seed: 1 });
 * sampler.add(60000, 3, Date.now());
 * const { indices, labels } = sampler.nextBatch(); // 64 items
 */
export class PQSampler {
  readonly classesPerBatch: number;
  readonly itemsPerClass: number;
  readonly recencyHalfLifeMs: number | undefined;
  readonly recencyMinWeight: number;
  private readonly rng: Random;
  private readonly now: () => number;
  private readonly byClass = new Map<number, ClassItems>();
  private readonly location = new Map<number, { label: number; slot: number }>();

  constructor(options: PQSamplerOptions) {
    const { classesPerBatch, itemsPerClass, recencyHalfLifeMs } = options;
    if (!(Number.isInteger(classesPerBatch) && classesPerBatch >= 2)) {
      throw new Error(`PQSampler: classesPerBatch must be an integer ≥ 2, got ${classesPerBatch}`);
    }
    if (!(Number.isInteger(itemsPerClass) && itemsPerClass >= 1)) {
      throw new Error(`PQSampler: itemsPerClass must be an integer ≥ 1, got ${itemsPerClass}`);
    }
    if (recencyHalfLifeMs !== undefined && !(recencyHalfLifeMs > 0)) {
      throw new Error(`PQSampler: recencyHalfLifeMs must be > 0, got ${recencyHalfLifeMs}`);
    }
    this.classesPerBatch = classesPerBatch;
    this.itemsPerClass = itemsPerClass;
    this.recencyHalfLifeMs = recencyHalfLifeMs;
    this.recencyMinWeight = options.recencyMinWeight ?? 0;
    if (!(this.recencyMinWeight >= 0 && this.recencyMinWeight <= 1)) throw new Error(`PQSampler: recencyMinWeight must be in [0, 1], got ${options.recencyMinWeight}`);
    this.rng = createRandom(options.seed ?? 0);
    this.now = options.now ?? Date.now;
  }

  /**
   * A sampler over item `i` with label `labels[i]`, all stamped with the same time.
   *
   * @example
   * const sampler = PQSampler.fromLabels(Int32Array.from([0, 0, 1, 1, 2]), { classesPerBatch: 2, itemsPerClass: 2 });
   */
  static fromLabels(labels: ArrayLike<number>, options: PQSamplerOptions): PQSampler {
    const sampler = new PQSampler(options);
    const time = sampler.now();
    for (let i = 0; i < labels.length; i++) sampler.add(i, labels[i], time);
    return sampler;
  }

  /** Number of items. */
  get size(): number {
    return this.location.size;
  }

  /** Number of classes with at least one item. */
  get numClasses(): number {
    return this.byClass.size;
  }

  /** Label of an item, or undefined when absent. */
  labelOf(index: number): number | undefined {
    return this.location.get(index)?.label;
  }

  /**
   * Adds an item (or moves it, when `index` is already present).
   *
   * @example
   * sampler.add(itemIndex, classLabel, record.timestamp);
   */
  add(index: number, label: number, timestampMs: number = this.now()): void {
    if (!(Number.isInteger(index) && index >= 0 && index <= 0x7fffffff)) throw new Error(`PQSampler.add: index must be a non-negative 32-bit integer, got ${index}`);
    if (!(Number.isInteger(label) && Math.abs(label) <= 0x7fffffff)) throw new Error(`PQSampler.add: label must be a 32-bit integer, got ${label}`);
    if (!Number.isFinite(timestampMs)) throw new Error(`PQSampler.add: timestampMs must be finite, got ${timestampMs}`);
    this.remove(index);
    let items = this.byClass.get(label);
    if (!items) {
      items = { indices: [], times: [] };
      this.byClass.set(label, items);
    }
    this.location.set(index, { label, slot: items.indices.length });
    items.indices.push(index);
    items.times.push(timestampMs);
  }

  /**
   * Removes an item; returns whether it was present. A class left without items stops being
   * sampled.
   */
  remove(index: number): boolean {
    const at = this.location.get(index);
    if (!at) return false;
    this.location.delete(index);
    const items = this.byClass.get(at.label)!;
    const last = items.indices.length - 1;
    if (at.slot !== last) {
      // Swap-remove keeps removal O(1); order inside a class carries no meaning.
      items.indices[at.slot] = items.indices[last];
      items.times[at.slot] = items.times[last];
      this.location.get(items.indices[at.slot])!.slot = at.slot;
    }
    items.indices.pop();
    items.times.pop();
    if (items.indices.length === 0) this.byClass.delete(at.label);
    return true;
  }

  /**
   * Draws the next batch: min(P, classes) distinct classes × Q items.
   * Throws when fewer than 2 classes have items (no negatives would exist).
   */
  nextBatch(): PQBatch {
    if (this.byClass.size < 2) {
      throw new Error(`PQSampler: need items from at least 2 classes to form a batch, have ${this.byClass.size}`);
    }
    const labels = [...this.byClass.keys()];
    const newest = labels.map((label) => maxOf(this.byClass.get(label)!.times));
    const chosen = this.sampleWithoutReplacement(newest, Math.min(this.classesPerBatch, labels.length));
    const q = this.itemsPerClass;
    const out: PQBatch = { indices: new Int32Array(chosen.length * q), labels: new Int32Array(chosen.length * q) };
    chosen.forEach((c, k) => {
      const items = this.byClass.get(labels[c])!;
      const slots = this.sampleItems(items);
      for (let j = 0; j < q; j++) {
        out.indices[k * q + j] = items.indices[slots[j]];
        out.labels[k * q + j] = labels[c];
      }
    });
    return out;
  }

  private sampleItems(items: ClassItems): number[] {
    const m = items.indices.length;
    const q = this.itemsPerClass;
    if (m >= q) return this.sampleWithoutReplacement(items.times, q);
    // Too few items: every item once, the rest drawn with replacement.
    const slots = this.sampleWithoutReplacement(items.times, m);
    const weights = this.recencyWeights(items.times);
    const cumulative: number[] = [];
    let total = 0;
    for (const w of weights) cumulative.push((total += w));
    while (slots.length < q) slots.push(pickCumulative(cumulative, this.rng.next() * total));
    return slots;
  }

  /** `k` distinct positions of `times`, uniformly or by recency weight (Efraimidis–Spirakis keys). */
  private sampleWithoutReplacement(times: number[], k: number): number[] {
    const m = times.length;
    if (this.recencyHalfLifeMs === undefined) {
      // Floyd's algorithm: k draws, however large the class.
      const picked = new Set<number>();
      for (let j = m - k; j < m; j++) {
        const t = this.rng.int(j + 1);
        picked.add(picked.has(t) ? j : t);
      }
      return [...picked];
    }
    const weights = this.recencyWeights(times);
    const keys = new Float64Array(m);
    for (let i = 0; i < m; i++) keys[i] = Math.log(1 - this.rng.next()) / weights[i];
    const order = Array.from({ length: m }, (_, i) => i);
    order.sort((a, b) => keys[b] - keys[a]);
    return order.slice(0, k);
  }

  /** Weights relative to the newest timestamp (which gets 1); all 1 without a half-life. */
  private recencyWeights(times: number[]): number[] {
    if (this.recencyHalfLifeMs === undefined) return times.map(() => 1);
    const newest = maxOf(times);
    const halfLife = this.recencyHalfLifeMs;
    return times.map((t) => recencyWeight(newest - t, halfLife, this.recencyMinWeight));
  }
}

function maxOf(values: number[]): number {
  let best = -Infinity;
  for (const v of values) if (v > best) best = v;
  return best;
}

