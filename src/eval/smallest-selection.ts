/**
 * Picks the `width` smallest distances of a row, nearest first, leaving one column out (the
 * query itself). Buffers are allocated once and reused for every row.
 *
 * Each distance (a non-negative float32) is widened to float64, whose 29 low mantissa bits are
 * then free to carry the column index. One native numeric sort of these keys therefore orders
 * by distance, breaks ties by the lower index, and needs no comparator callback, which would
 * dominate the cost for 10,000 rows. When few columns are wanted, a threshold estimated from a
 * strided sample first discards most of the row; if it proves too tight, the full row is used.
 *
 * @example
 * const selector = new SmallestSelection(4, 2);
 * const out = new Int32Array(2);
 * selector.select(new Float32Array([0, 0.5, 0.1, 0.9]), 0, out); // out = [2, 1]
 */
export class SmallestSelection {
  private readonly keys: Float64Array;
  private readonly words: Uint32Array;

  constructor(
    readonly columns: number,
    readonly width: number,
  ) {
    if (!Number.isInteger(columns) || columns < 1 || columns > INDEX_MASK + 1) {
      throw new Error(`columns must be an integer in [1, ${INDEX_MASK + 1}], got ${columns}`);
    }
    if (!Number.isInteger(width) || width < 0 || width > columns - 1) {
      throw new Error(`width must be an integer in [0, ${columns - 1}], got ${width}`);
    }
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
      throw new Error('SmallestSelection needs a little-endian platform');
    }
    this.keys = new Float64Array(columns);
    this.words = new Uint32Array(this.keys.buffer);
  }

  /**
   * Writes into `out[0..width)` the columns of the `width` smallest entries of `distances`
   * (ascending), skipping column `exclude`. Distances must be non-negative and finite.
   */
  select(distances: Float32Array, exclude: number, out: Int32Array): void {
    const { keys, words, width } = this;
    let n = -1;
    if (width > 0 && width * 4 < this.columns) n = this.gatherBelow(distances, exclude, this.sampledThreshold(distances));
    if (n < width) n = this.gatherBelow(distances, exclude, Infinity);
    if (width < n) floydRivestSelect(keys, width, 0, n - 1);
    const top = keys.subarray(0, width);
    top.sort();
    for (let i = 0; i < width; i++) out[i] = words[2 * i] & INDEX_MASK;
  }

  /** Packs every column except `exclude` whose distance is at most `threshold`; returns how many. */
  private gatherBelow(distances: Float32Array, exclude: number, threshold: number): number {
    const { keys, words } = this;
    let n = 0;
    for (let column = 0; column < this.columns; column++) {
      const d = distances[column];
      if (d > threshold || column === exclude) continue;
      keys[n] = d;
      words[2 * n] |= column;
      n++;
    }
    return n;
  }

  /** A distance that roughly `width` plus a safety margin of the columns fall below. */
  private sampledThreshold(distances: Float32Array): number {
    const sample = this.sample;
    const stride = this.columns / sample.length;
    for (let i = 0; i < sample.length; i++) sample[i] = distances[Math.floor(i * stride)];
    sample.sort();
    const fraction = this.width / this.columns;
    // Three standard deviations of the sampled quantile, plus a floor, make a retry rare.
    const margin = 3 * Math.sqrt((fraction * (1 - fraction)) / sample.length) + 4 / sample.length;
    const rank = Math.min(sample.length - 1, Math.ceil((fraction + margin) * sample.length));
    return sample[rank];
  }

  private readonly sample = new Float32Array(SAMPLE_SIZE);
}

const SAMPLE_SIZE = 512;

const INDEX_MASK = 0x1fffffff;

/** Rearranges `a[left..right]` so that `a[k]` holds the value it would have after sorting. */
function floydRivestSelect(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivestSelect(a, k, newLeft, newRight);
    }
    const t = a[k];
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right] > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i] < t) i++;
      while (a[j] > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
