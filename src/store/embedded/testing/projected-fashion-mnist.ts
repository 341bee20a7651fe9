import { readIdxFile } from '../../../data/idx-file';
import { seededRandom } from '../../seeded-random';

const DIR = '/usr/share/datasets/fashion-mnist';
const PIXELS = 784;

let images: Promise<Uint8Array> | undefined;

/** All 70 000 Fashion-MNIST images (train, then test), 784 bytes each. */
function allImages(): Promise<Uint8Array> {
  images ??= Promise.all([readIdxFile(`${DIR}/train-images-idx3-ubyte.gz`), readIdxFile(`${DIR}/t10k-images-idx3-ubyte.gz`)]).then(([train, test]) => {
    const out = new Uint8Array(train.data.length + test.data.length);
    out.set(train.data);
    out.set(test.data, train.data.length);
    return out;
  });
  return images;
}

/**
 * Fashion-MNIST images `[offset, offset + count)` as unit vectors: centred pixels times a seeded
 * Gaussian random projection to `dimension`. Structured like image embeddings (ten clusters,
 * near-duplicates), unlike uniform random vectors.
 *
 * @example
 * const catalog = await projectedFashionMnist({ count: 25_000, dimension: 64 });
 * const queries = await projectedFashionMnist({ offset: 69_800, count: 200, dimension: 64 });
 */
export async function projectedFashionMnist(options: { count: number; dimension: number; offset?: number; seed?: number }): Promise<Float32Array[]> {
  const { count, dimension: d, offset = 0, seed = 1 } = options;
  const pixels = await allImages();
  const total = pixels.length / PIXELS;
  if (offset < 0 || offset + count > total) throw new Error(`offset/count: images ${offset}..${offset + count} are outside 0..${total}`);
  const random = seededRandom(seed);
  const projection = new Float64Array(PIXELS * d);
  for (let i = 0; i < projection.length; i++) projection[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  // Centring on the mean image (P·x − P·mean) keeps the sparse loop over non-zero pixels.
  const mean = new Float64Array(PIXELS);
  for (let i = 0; i < pixels.length; i++) mean[i % PIXELS] += pixels[i] / total;
  const shift = new Float64Array(d);
  for (let p = 0; p < PIXELS; p++) for (let j = 0; j < d; j++) shift[j] += mean[p] * projection[p * d + j];
  const out: Float32Array[] = [];
  const acc = new Float64Array(d);
  for (let n = offset; n < offset + count; n++) {
    acc.fill(0);
    for (let p = 0; p < PIXELS; p++) {
      const value = pixels[n * PIXELS + p];
      if (value === 0) continue;
      const row = p * d;
      for (let j = 0; j < d; j++) acc[j] += value * projection[row + j];
    }
    let norm = 0;
    for (let j = 0; j < d; j++) {
      acc[j] -= shift[j];
      norm += acc[j] * acc[j];
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    out.push(Float32Array.from(acc, (x) => x * scale));
  }
  return out;
}
