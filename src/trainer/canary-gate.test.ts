import { describe, expect, it } from 'vitest';
import { judgeCandidate } from './canary-gate';

const options = { tolerance: 0.01, minHeldOut: 50 };
const labelled = (mapAtR: number, heldOutQueries = 200) => ({ mapAtR, heldOutQueries, heldOutItems: heldOutQueries });

describe('canary gate', () => {
  it('rejects a candidate worse than the live version by more than the tolerance', () => {
    const verdict = judgeCandidate({ candidate: labelled(0.4), live: labelled(0.45), raw: labelled(0.3) }, options);
    expect(verdict).toMatchObject({ accepted: false, primary: 'mapAtR', candidate: 0.4, live: 0.45, raw: 0.3 });
    expect(verdict.reason).toMatch(/below the live version's 0\.4500/);
    expect(judgeCandidate({ candidate: labelled(0.445), live: labelled(0.45), raw: labelled(0.3) }, options).accepted).toBe(true);
  });

  it('rejects a candidate below raw input unless it improves on a live version that is below raw too', () => {
    const belowRaw = judgeCandidate({ candidate: labelled(0.33), live: labelled(0.335), raw: labelled(0.35) }, options);
    expect(belowRaw.accepted).toBe(false);
    expect(belowRaw.reason).toMatch(/below raw input/);
    expect(judgeCandidate({ candidate: labelled(0.34), live: labelled(0.3), raw: labelled(0.35) }, options).accepted).toBe(true);
  });

  it('passes, saying so, while the holdout is too small, and lets the first version go live', () => {
    const small = judgeCandidate({ candidate: labelled(0.1, 10), live: labelled(0.9, 10), raw: labelled(0.5, 10) }, options);
    expect(small.accepted).toBe(true);
    expect(small.primary).toBeUndefined();
    expect(small.reason).toMatch(/too small to judge.*needs 50/);
    expect(judgeCandidate({ candidate: labelled(0.1), raw: labelled(0.5) }, options)).toMatchObject({ accepted: true, primary: 'mapAtR' });
  });

  it('falls back to triplet agreement, then pair AUC, when few labelled items are held out', () => {
    const triplets = (tripletAgreement: number) => ({ heldOutQueries: 3, mapAtR: 1, heldOutTriplets: 80, tripletAgreement });
    expect(judgeCandidate({ candidate: triplets(0.6), live: triplets(0.8), raw: triplets(0.7) }, options)).toMatchObject({ accepted: false, primary: 'tripletAgreement' });
    const pairs = (pairAuc: number) => ({ heldOutPairs: 60, pairAuc });
    expect(judgeCandidate({ candidate: pairs(0.9), live: pairs(0.8), raw: pairs(0.7) }, options)).toMatchObject({ accepted: true, primary: 'pairAuc' });
  });
  it('widens the allowed drop to noiseZ paired standard errors when the holdout cannot tell a smaller one from chance', () => {
    const noisy = { candidate: labelled(0.675), live: labelled(0.704), raw: labelled(0.5), noise: { mapAtR: 0.02 } };
    const widened = judgeCandidate(noisy, { ...options, noiseZ: 2 });
    expect(widened).toMatchObject({ accepted: true, tolerance: 0.04 });
    expect(widened.reason).toMatch(/2 standard errors/);
    expect(judgeCandidate(noisy, options).accepted).toBe(false);
    // A drop beyond the noise is still a regression; a tiny standard error leaves the tolerance in charge.
    expect(judgeCandidate({ ...noisy, candidate: labelled(0.6) }, { ...options, noiseZ: 2 }).accepted).toBe(false);
    expect(judgeCandidate({ ...noisy, noise: { mapAtR: 0.001 } }, { ...options, noiseZ: 2 })).toMatchObject({ accepted: false, tolerance: 0.01 });
    // Never below raw input, however noisy.
    expect(judgeCandidate({ candidate: labelled(0.33), live: labelled(0.34), raw: labelled(0.35), noise: { mapAtR: 0.05 } }, { ...options, noiseZ: 2 }).accepted).toBe(false);
  });
});
