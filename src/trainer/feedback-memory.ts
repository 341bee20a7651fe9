import { createRandom, type Random } from '../dml/random';
import { PQSampler } from '../dml/samplers/pq-sampler';

/** An explicit constraint from feedback. `at`: when it was accepted (ms since the epoch). */
export type Constraint =
  | { kind: 'pair'; a: string; b: string; similar: boolean; weight: number; at: number }
  | { kind: 'triplet'; anchor: string; positive: string; negative: string; weight: number; at: number };

export interface FeedbackMemoryOptions {
  /** REPLAY_SIZE: at most this many labelled items, and at most this many constraints. */
  capacity: number;
  /** P of the P×Q batches drawn from the labelled items. */
  classesPerBatch: number;
  /** Q of the P×Q batches. */
  itemsPerClass: number;
  /** Recency half-life of the P×Q sampling (default 10 minutes). */
  recencyHalfLifeMs?: number;
  /** REPLAY_MIN_WEIGHT: the least sampling weight of old feedback relative to the newest (default 0.25). */
  recencyMinWeight?: number;
  seed?: number;
}

/** A P×Q batch of labelled items. Labels are small integers, one per class. */
export interface LabelledBatch {
  ids: string[];
  labels: Int32Array;
}

const DEFAULT_HALF_LIFE_MS = 10 * 60_000;
/** Old feedback is drawn at least a quarter as often as new: it keeps being rehearsed. */
const DEFAULT_MIN_WEIGHT = 0.25;

/**
 * Replay memory of what feedback taught: labelled items (by class) and explicit pair/triplet
 * constraints, both bounded by `capacity`.
 *
 * When labelled items overflow, the oldest item of the *largest* class is evicted, so a class
 * that stops receiving feedback keeps about `capacity / classes` examples instead of being
 * pushed out by busy ones (it would otherwise be forgotten by the encoder). Constraints are
 * kept newest-first. Sampling favours recent items (recency-weighted P×Q) and recent
 * constraints, while always mixing in older ones.
 *
 * @example
 * const memory = new FeedbackMemory({ capacity: 20000, classesPerBatch: 8, itemsPerClass: 4 });
 * memory.rememberLabel('item-1', 'shoe', Date.now());
 * memory.rememberConstraint({ kind: 'pair', a: 'x', b: 'y', similar: true, weight: 1, at: Date.now() });
 * const batch = memory.nextLabelledBatch(); // undefined until two classes have items
 */
export class FeedbackMemory {
  readonly capacity: number;
  private readonly sampler: PQSampler;
  private readonly rng: Random;
  /** Per class label, item id → time; Map order is insertion order, so the first key is the oldest. */
  private readonly classes = new Map<string, Map<string, number>>();
  private readonly labels = new Map<string, string>();
  private readonly classIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly idOfIndex: string[] = [];
  private readonly freeIndices: number[] = [];
  private constraints: Constraint[] = [];
  private evictedCount = 0;

  constructor(options: FeedbackMemoryOptions) {
    if (!(Number.isInteger(options.capacity) && options.capacity >= 1)) throw new Error(`capacity: expected a positive integer, got ${options.capacity}`);
    this.capacity = options.capacity;
    this.sampler = new PQSampler({
      classesPerBatch: options.classesPerBatch,
      itemsPerClass: options.itemsPerClass,
      recencyHalfLifeMs: options.recencyHalfLifeMs ?? DEFAULT_HALF_LIFE_MS,
      recencyMinWeight: options.recencyMinWeight ?? DEFAULT_MIN_WEIGHT,
      seed: options.seed ?? 0,
    });
    this.rng = createRandom((options.seed ?? 0) + 1);
  }

  get labelledCount(): number {
    return this.labels.size;
  }

  get constraintCount(): number {
    return this.constraints.length;
  }

  get classCount(): number {
    return this.classes.size;
  }

  /** Labelled items evicted so far to stay within capacity. */
  get evicted(): number {
    return this.evictedCount;
  }

  /** Labelled items per class (for logs and tests). */
  classSizes(): Record<string, number> {
    return Object.fromEntries([...this.classes].map(([label, items]) => [label, items.size]));
  }

  /** Adds a labelled item, or moves it to its new class as the newest member. */
  rememberLabel(id: string, label: string, at: number): void {
    this.forgetLabel(id);
    let members = this.classes.get(label);
    if (!members) this.classes.set(label, (members = new Map()));
    members.set(id, at);
    this.labels.set(id, label);
    let classId = this.classIndex.get(label);
    if (classId === undefined) this.classIndex.set(label, (classId = this.classIndex.size));
    const index = this.freeIndices.pop() ?? this.idOfIndex.length;
    this.idOfIndex[index] = id;
    this.itemIndex.set(id, index);
    this.sampler.add(index, classId, at);
    while (this.labels.size > this.capacity) this.evictOne();
  }

  /** Whether `id` is held as a labelled item. */
  hasLabelled(id: string): boolean {
    return this.labels.has(id);
  }

  rememberConstraint(constraint: Constraint): void {
    this.constraints.push(constraint);
    if (this.constraints.length > this.capacity) this.constraints.splice(0, this.constraints.length - this.capacity);
  }

  /** The class an item is held under, if any. */
  labelOf(id: string): string | undefined {
    return this.labels.get(id);
  }

  /** Drops everything about an item (it was deleted). */
  forgetItem(id: string): void {
    this.forgetLabel(id);
    this.forgetConstraintsOf(id);
  }

  /**
   * Drops the constraints that mention `id` and were accepted before `acceptedBefore` (ms
   * since the epoch; default: all of them), e.g. because the item was deleted then.
   */
  forgetConstraintsOf(id: string, acceptedBefore = Infinity): void {
    const stale = (c: Constraint) => c.at < acceptedBefore && mentions(c, id);
    if (this.constraints.some(stale)) this.constraints = this.constraints.filter((c) => !stale(c));
  }

  /** A recency-weighted P×Q batch, or undefined while fewer than two classes have items. */
  nextLabelledBatch(): LabelledBatch | undefined {
    if (this.sampler.numClasses < 2) return undefined;
    const { indices, labels } = this.sampler.nextBatch();
    return { ids: Array.from(indices, (i) => this.idOfIndex[i]), labels };
  }

  /**
   * Up to `count` constraints that `usable` accepts: half the newest ones, the rest drawn
   * uniformly from the whole memory, so old constraints keep being rehearsed.
   */
  sampleConstraints(count: number, usable: (c: Constraint) => boolean = () => true): Constraint[] {
    const out: Constraint[] = [];
    const taken = new Set<number>();
    const newest = Math.ceil(count / 2);
    for (let i = this.constraints.length - 1; i >= 0 && out.length < newest; i--) {
      if (usable(this.constraints[i])) {
        taken.add(i);
        out.push(this.constraints[i]);
      }
    }
    const n = this.constraints.length;
    for (let attempt = 0; attempt < 4 * count && out.length < count && taken.size < n; attempt++) {
      const i = this.rng.int(n);
      if (taken.has(i)) continue;
      taken.add(i);
      if (usable(this.constraints[i])) out.push(this.constraints[i]);
    }
    return out;
  }

  /** Drops an item from its class (its label was removed, or it has no content any more). */
  forgetLabel(id: string): void {
    const label = this.labels.get(id);
    if (label === undefined) return;
    this.labels.delete(id);
    const members = this.classes.get(label)!;
    members.delete(id);
    if (members.size === 0) this.classes.delete(label);
    const index = this.itemIndex.get(id)!;
    this.itemIndex.delete(id);
    this.sampler.remove(index);
    this.freeIndices.push(index);
  }

  private evictOne(): void {
    let largest: Map<string, number> | undefined;
    for (const members of this.classes.values()) if (!largest || members.size > largest.size) largest = members;
    const oldest = largest!.keys().next().value as string;
    this.forgetLabel(oldest);
    this.evictedCount++;
  }
}

function mentions(c: Constraint, id: string): boolean {
  return c.kind === 'pair' ? c.a === id || c.b === id : c.anchor === id || c.positive === id || c.negative === id;
}
