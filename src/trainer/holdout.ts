import { createHash } from 'node:crypto';
import type { Constraint } from './feedback-memory';

/** Which feedback is held out: a stable fraction, decided by hashing what the feedback is about. */
export interface Holdout {
  /** Share of labelled items and of constraints held out (0 turns the holdout off). */
  readonly fraction: number;
  /** Whether a labelled item is held out (by its id). */
  holdsItem(id: string): boolean;
  /** Whether a pair or triplet constraint is held out (by the ids it names). */
  holdsConstraint(constraint: Constraint): boolean;
}

/**
 * A deterministic holdout of feedback that is never trained on: membership is a SHA-1 of the
 * item id (labels) or of the ids a constraint names, so the same feedback falls on the same side
 * across restarts, replicas and replays. Constraints hash their ids rather than their event ids so
 * that a pair sent again in a new event cannot be trained on while its twin is held out.
 *
 * @example
 * const holdout = createHoldout({ fraction: 0.1 });
 * holdout.holdsItem('item-42'); // the same answer on every run
 */
export function createHoldout(options: { fraction: number }): Holdout {
  const { fraction } = options;
  if (!(Number.isFinite(fraction) && fraction >= 0 && fraction < 1)) throw new Error(`fraction: expected a number in [0, 1), got ${fraction}`);
  const holds = (key: string) => fraction > 0 && unitHash(key) < fraction;
  return {
    fraction,
    holdsItem: (id) => holds(`item\u0000${id}`),
    holdsConstraint: (c) => holds(constraintKey(c)),
  };
}

/** The key a constraint is hashed by; a pair's two ids in either order give the same key. */
export function constraintKey(c: Constraint): string {
  if (c.kind === 'pair') {
    const [first, second] = c.a < c.b ? [c.a, c.b] : [c.b, c.a];
    return `pair\u0000${first}\u0000${second}`;
  }
  return `triplet\u0000${c.anchor}\u0000${c.positive}\u0000${c.negative}`;
}

/** A value in [0, 1) from the first 32 bits of the key's SHA-1. */
function unitHash(key: string): number {
  return createHash('sha1').update(key).digest().readUInt32BE(0) / 2 ** 32;
}
