import { describe, expect, it } from 'vitest';
import { createRandom } from '../dml/random';
import { createImageAugmentation } from './image-augmentation';

/** Reference in two explicit passes: mirror the image (when asked), then translate it by (dy, dx). */
function expected(src: number[], h: number, w: number, c: number, dy: number, dx: number, flip: boolean): number[] {
  const at = (img: number[], y: number, x: number, k: number) => img[(y * w + x) * c + k];
  const mirrored: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) mirrored.push(at(src, y, flip ? w - 1 - x : x, k));
  const out: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        const sy = y - dy;
        const sx = x - dx;
        out.push(sy >= 0 && sy < h && sx >= 0 && sx < w ? at(mirrored, sy, sx, k) : -1);
      }
  return out;
}

describe('createImageAugmentation', () => {
  const h = 5;
  const w = 4;
  const c = 2;
  const image = Array.from({ length: h * w * c }, (_, i) => i + 1);

  it('without options copies the image unchanged', () => {
    const augment = createImageAugmentation([h, w, c], {}, createRandom(1));
    const out = new Float32Array(image.length * 2);
    augment(Float32Array.from([...image, ...image.map((v) => v * 10)]), 1, out, 0);
    expect(Array.from(out.subarray(0, image.length))).toEqual(image.map((v) => v * 10));
  });

  it('produces exactly the shifted/flipped images the random draws ask for', () => {
    const seed = 7;
    const augment = createImageAugmentation([h, w, c], { maxShift: 2, flipProbability: 0.5, fillValue: -1 }, createRandom(seed));
    const draws = createRandom(seed); // replays the same stream: dy, dx, flip
    const seen = new Set<string>();
    for (let t = 0; t < 40; t++) {
      const out = new Float32Array(image.length);
      augment(Float32Array.from(image), 0, out, 0);
      const dy = draws.int(5) - 2;
      const dx = draws.int(5) - 2;
      const flip = draws.next() < 0.5;
      seen.add(`${dy},${dx},${flip}`);
      expect(Array.from(out)).toEqual(expected(image, h, w, c, dy, dx, flip));
    }
    expect(seen.size).toBeGreaterThan(10);
  });

  it('rejects non-image shapes and bad options', () => {
    expect(() => createImageAugmentation([784], {}, createRandom(0))).toThrow(/height, width, channels/);
    expect(() => createImageAugmentation([4, 4, 1], { maxShift: 1.5 }, createRandom(0))).toThrow(/augmentation\.maxShift/);
    expect(() => createImageAugmentation([4, 4, 1], { flipProbability: 2 }, createRandom(0))).toThrow(/augmentation\.flipProbability/);
  });
});
