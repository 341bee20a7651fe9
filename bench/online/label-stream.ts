import type { ImageDataset } from '../../src/data';
import { createRandom } from '../../src/dml/random';

/** Fashion-MNIST class pairs an attacker swaps: sneaker ↔ ankle boot, T-shirt ↔ dress. */
export const FLIPPED_CLASSES: Record<number, number> = { 7: 9, 9: 7, 0: 3, 3: 0 };

/** The source every flipped label comes from. */
export const ATTACKER_SOURCE = 'mallory';

export type Scenario = 'clean' | 'poisoned' | 'poisoned-unguarded' | 'drift';

export interface LabelEvent {
  type: 'label';
  itemId: string;
  label: string;
  source: string;
}

export interface LabelStreamOptions {
  /** The catalog items (train split), ids `fmnist-train-<i>`. */
  catalog: ImageDataset;
  /** Classes that get labels. */
  seenClasses: number[];
  /** The class that gets labels only in the last increment (drift). */
  lateClass: number;
  scenario: Scenario;
  /** Share of each increment's events that are the attacker's flipped labels (poisoned). */
  poisonShare: number;
  /** Distinct honest sources the clean labels come from. */
  honestSources: number;
  seed: number;
}

/**
 * The label feedback of one scenario, cut into increments: `events(upTo)` returns the events
 * that bring the cumulative count to `upTo`. Honest labels are true classes of catalog items of
 * the seen classes, in a seeded random order, each from one of `honestSources` users. Poisoned:
 * `poisonShare` of each increment instead relabels items honest users labelled before, of a
 * flipped class pair, as the other class, all from one source. Drift: the late class's items are
 * labelled only in the last increment.
 *
 * @example
 * const stream = labelStream({ catalog, seenClasses, lateClass: 4, scenario: 'poisoned', poisonShare: 0.2, honestSources: 50, seed: 0 });
 * const first = stream.events(100, false);
 */
export function labelStream(options: LabelStreamOptions) {
  const { catalog, scenario } = options;
  const rng = createRandom(options.seed);
  const order = [...catalog.labels.keys()].filter((i) => options.seenClasses.includes(catalog.labels[i]));
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const early = scenario === 'drift' ? order.filter((i) => catalog.labels[i] !== options.lateClass) : order;
  const late = scenario === 'drift' ? order.filter((i) => catalog.labels[i] === options.lateClass) : [];
  const honestLabelled: number[] = [];
  let sent = 0;
  let nextEarly = 0;
  let nextLate = 0;
  let nextFlip = 0;
  const name = (i: number) => catalog.classNames[catalog.labels[i]];
  const honest = (i: number): LabelEvent => {
    honestLabelled.push(i);
    return { type: 'label', itemId: `fmnist-train-${i}`, label: name(i), source: `user:${i % options.honestSources}` };
  };
  const poisoned = scenario === 'poisoned' || scenario === 'poisoned-unguarded';

  return {
    /** Label items available in total (the most a curve can reach). */
    available: order.length,
    /** Events bringing the total sent to `upTo`; `last`: this is the final increment (the late class arrives). */
    events(upTo: number, last: boolean): LabelEvent[] {
      const out: LabelEvent[] = [];
      const count = Math.max(0, upTo - sent);
      const attacks = poisoned ? Math.round(count * options.poisonShare) : 0;
      const lateShare = last ? Math.min(late.length - nextLate, Math.round((count - attacks) / 2)) : 0;
      for (let k = 0; k < lateShare; k++) out.push(honest(late[nextLate++]));
      while (out.length < count - attacks && nextEarly < early.length) out.push(honest(early[nextEarly++]));
      const targets = honestLabelled.filter((i) => FLIPPED_CLASSES[catalog.labels[i]] !== undefined);
      for (let k = 0; k < attacks && targets.length > 0; k++) {
        const i = targets[nextFlip++ % targets.length];
        out.push({ type: 'label', itemId: `fmnist-train-${i}`, label: catalog.classNames[FLIPPED_CLASSES[catalog.labels[i]]], source: ATTACKER_SOURCE });
      }
      sent += out.length;
      return out;
    },
  };
}
