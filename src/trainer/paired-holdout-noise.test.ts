import { describe, expect, it } from 'vitest';
import { scoreHoldoutQueries } from './holdout-score';
import { pairedMapAtRStdErr, pairedStdErr } from './paired-holdout-noise';

/** Unit vectors at these angles (degrees). */
const at = (degrees: number[]) => Float32Array.from(degrees.flatMap((d) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)]));
const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
const apart = at([0, 1, 2, 3, 90, 91, 92, 93]);

describe('pairedMapAtRStdErr', () => {
  it('is 0 for embeddings that answer every query alike', async () => {
    expect(await pairedMapAtRStdErr(apart, 2, apart, 2, labels)).toBe(0);
  });

  it('is the standard deviation of the per-query AP@R differences over √queries', async () => {
    // Item 0 moved next to class 1: its own AP@R (R = 3) falls from 1 to 0; the queries at 90°
    // and 91° now find it among their 3 nearest (AP@R 0.3889 and 0.6667); the others keep 1.
    const moved = at([89.5, 1, 2, 3, 90, 91, 92, 93]);
    const diffs = [-1, 0, 0, 0, (1 / 2 + 2 / 3) / 3 - 1, 2 / 3 - 1, 0, 0];
    const mean = diffs.reduce((s, d) => s + d, 0) / 8;
    const expected = Math.sqrt(diffs.reduce((s, d) => s + (d - mean) ** 2, 0) / 7 / 8);
    expect(await pairedMapAtRStdErr(moved, 2, apart, 2, labels)).toBeCloseTo(expected, 6);
    expect(await pairedMapAtRStdErr(apart, 2, moved, 2, labels)).toBeCloseTo(expected, 6);
  });

  it('comes out the same from the per-query scores a holdout scoring already computed', async () => {
    const moved = at([89.5, 1, 2, 3, 90, 91, 92, 93]);
    const [a, b] = [await scoreHoldoutQueries(moved, 2, { inputs: moved, labels }), await scoreHoldoutQueries(apart, 2, { inputs: apart, labels })];
    expect(a.averagePrecisions).toHaveLength(8);
    expect(pairedStdErr(a.averagePrecisions, b.averagePrecisions)).toBeCloseTo((await pairedMapAtRStdErr(moved, 2, apart, 2, labels))!, 12);
    expect(pairedStdErr(Float64Array.from([1, Number.NaN]), Float64Array.from([0.5, Number.NaN]))).toBeUndefined();
  });

  it('is undefined without two queries that have a class mate', async () => {
    expect(await pairedMapAtRStdErr(at([0, 90]), 2, at([0, 90]), 2, Int32Array.from([0, 1]))).toBeUndefined();
  });
});
