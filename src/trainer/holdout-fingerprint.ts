import { createHash } from 'node:crypto';
import type { HeldOutSet } from './publisher';

/**
 * A digest of everything a holdout score depends on (the rows' inputs, their labels, the held-out
 * pairs and triplets): equal digests, equal scores of the same embeddings. Lets a publication
 * reuse raw input's score while the holdout has not changed since the last one.
 *
 * @example
 * holdoutFingerprint(set) === holdoutFingerprint(sameSetAgain); // true
 */
export function holdoutFingerprint(set: HeldOutSet): string {
  const hash = createHash('sha1');
  const part = (name: string, array: ArrayBufferView) => {
    hash.update(`${name}:${array.byteLength};`);
    hash.update(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
  };
  part('inputs', set.inputs);
  part('labels', set.labels);
  if (set.pairs) {
    part('pairs.a', set.pairs.a);
    part('pairs.b', set.pairs.b);
    part('pairs.similar', set.pairs.similar);
  }
  if (set.triplets) {
    part('triplets.anchor', set.triplets.anchor);
    part('triplets.positive', set.triplets.positive);
    part('triplets.negative', set.triplets.negative);
  }
  return hash.digest('hex');
}
