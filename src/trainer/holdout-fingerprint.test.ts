import { describe, expect, it } from 'vitest';
import { holdoutFingerprint } from './holdout-fingerprint';
import type { HeldOutSet } from './publisher';

const set = (): HeldOutSet => ({
  inputs: Float32Array.from([1, 2, 3, 4, 5, 6]),
  labels: Int32Array.from([0, 1]),
  pairs: { a: Int32Array.from([0]), b: Int32Array.from([2]), similar: Uint8Array.from([1]) },
});

describe('holdoutFingerprint', () => {
  it('is the same for the same holdout and changes with any input, label, pair or triplet', () => {
    expect(holdoutFingerprint(set())).toBe(holdoutFingerprint(set()));
    const changed: HeldOutSet[] = [
      { ...set(), inputs: Float32Array.from([1, 2, 3, 4, 5, 7]) },
      { ...set(), labels: Int32Array.from([0, 0]) },
      { ...set(), pairs: { ...set().pairs!, similar: Uint8Array.from([0]) } },
      { ...set(), pairs: undefined },
      { ...set(), triplets: { anchor: Int32Array.from([0]), positive: Int32Array.from([1]), negative: Int32Array.from([2]) } },
      // The same bytes split differently between inputs and labels.
      { inputs: Float32Array.from([1, 2, 3, 4, 5]), labels: Int32Array.from([new Int32Array(Float32Array.from([6]).buffer)[0], 0, 1]), pairs: set().pairs },
    ];
    const digests = new Set([holdoutFingerprint(set()), ...changed.map(holdoutFingerprint)]);
    expect(digests.size).toBe(changed.length + 1);
  });
});
