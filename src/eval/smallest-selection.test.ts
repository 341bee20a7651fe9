import { describe, expect, it } from 'vitest';
import { SmallestSelection } from './smallest-selection';

function referenceSmallest(values: Float32Array, exclude: number, width: number): number[] {
  return Array.from(values.keys())
    .filter((i) => i !== exclude)
    .sort((a, b) => values[a] - values[b] || a - b)
    .slice(0, width);
}

describe('SmallestSelection', () => {
  it('returns the nearest columns in ascending order, skipping the excluded one', () => {
    const selection = new SmallestSelection(5, 3);
    const out = new Int32Array(3);
    selection.select(new Float32Array([0.4, 0, 0.1, 0.9, 0.2]), 1, out);
    expect(Array.from(out)).toEqual([2, 4, 0]);
  });

  it('breaks ties by the lower column', () => {
    const selection = new SmallestSelection(6, 4);
    const out = new Int32Array(4);
    selection.select(new Float32Array([0.5, 0.5, 0, 0.5, 0.5, 0.25]), 2, out);
    expect(Array.from(out)).toEqual([5, 0, 1, 3]);
  });

  it('matches a full sort on large random rows with many ties, across reuses', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (const [columns, width] of [[3000, 700], [1500, 1499], [900, 1], [2000, 0]]) {
      const selection = new SmallestSelection(columns, width);
      const out = new Int32Array(width);
      for (let trial = 0; trial < 3; trial++) {
        const values = Float32Array.from({ length: columns }, () => (random() < 0.3 ? Math.round(random() * 20) / 20 : random() * 2));
        const exclude = Math.floor(random() * columns);
        selection.select(values, exclude, out);
        expect(Array.from(out)).toEqual(referenceSmallest(values, exclude, width));
      }
    }
  });

  it('falls back to the whole row when the sampled threshold is too tight', () => {
    const columns = 3000;
    const selection = new SmallestSelection(columns, 700);
    const out = new Int32Array(700);
    // Exactly the strided sample positions hold the smallest values, so the sample underestimates
    // how far down the 700th distance lies.
    const values = new Float32Array(columns).fill(1);
    for (let i = 0; i < 512; i++) values[Math.floor((i * columns) / 512)] = 0;
    for (let i = 0; i < columns; i++) if (values[i] === 1) values[i] = 0.5 + i / (2 * columns);
    selection.select(values, 1, out);
    expect(Array.from(out)).toEqual(referenceSmallest(values, 1, 700));
  });

  it('rejects a width that cannot be filled', () => {
    expect(() => new SmallestSelection(4, 4)).toThrow(/width/);
  });
});
