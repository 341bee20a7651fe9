import { describe, expect, it } from 'vitest';
import { scoreHoldout } from './holdout-score';

describe('scoreHoldout', () => {
  // Six labelled rows in two classes on two axes, then two unlabelled rows.
  const labels = Int32Array.of(0, 0, 0, 1, 1, 1);
  const aligned = Float32Array.of(1, 0.1, 1, 0.2, 1, 0.3, 0.1, 1, 0.2, 1, 0.3, 1, 1, 0, 0, 1);
  const set = {
    inputs: aligned,
    labels,
    pairs: { a: Int32Array.of(0, 3, 0), b: Int32Array.of(1, 4, 3), similar: Uint8Array.of(1, 1, 0) },
    triplets: { anchor: Int32Array.of(0, 6), positive: Int32Array.of(1, 2), negative: Int32Array.of(3, 7) },
  };

  it('scores embeddings that agree with the feedback at the top', async () => {
    const score = await scoreHoldout(aligned, 2, set);
    expect(score).toMatchObject({ heldOutItems: 6, heldOutQueries: 6, mapAtR: 1, recallAt1: 1, heldOutPairs: 3, pairAuc: 1, heldOutTriplets: 2, tripletAgreement: 1 });
    expect(score['mapAtR.class0']).toBe(1);
  });

  it('scores embeddings that contradict it at the bottom, and non-finite ones without failing', async () => {
    // Swapping the two coordinates of rows 1, 3 and 6 puts them on the other class's axis.
    const swapped = aligned.slice();
    for (const row of [1, 3, 6]) [swapped[row * 2], swapped[row * 2 + 1]] = [swapped[row * 2 + 1], swapped[row * 2]];
    const score = await scoreHoldout(swapped, 2, set);
    expect(score.pairAuc).toBe(0);
    expect(score.tripletAgreement).toBe(0);
    expect(score.mapAtR).toBeLessThan(0.7);
    const broken = await scoreHoldout(new Float32Array(16).fill(Number.NaN), 2, set);
    expect(broken.tripletAgreement).toBe(0);
    expect(broken.pairAuc).toBe(0.5);
  });
});
