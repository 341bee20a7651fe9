import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export const FASHION_MNIST_TEST_IMAGES = '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz';

/** Reads the first `count` images of a gzipped IDX3 file as raw 0–255 bytes, row-major. */
export function readIdxImages(path: string, count: number): { pixels: Uint8Array; count: number; rows: number; cols: number } {
  const bytes = gunzipSync(readFileSync(path));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== 2051) throw new Error(`${path} is not an IDX3 image file (magic ${view.getUint32(0)})`);
  const total = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const n = Math.min(count, total);
  return { pixels: bytes.subarray(16, 16 + n * rows * cols), count: n, rows, cols };
}
