import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';

/** An IDX array (the format of the MNIST family): unsigned bytes with their dimensions. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = { 0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64' };

/**
 * Parses an IDX buffer (gzip-compressed or plain): magic `00 00 <type> <ndims>`, then `ndims`
 * big-endian uint32 sizes, then the values. Only unsigned bytes (type 0x08) are accepted, since
 * that is what image and label files hold. `source` names the file in errors.
 *
 * @example
 * const { dims, data } = parseIdx(readFileSync('t10k-labels-idx1-ubyte.gz'), 't10k-labels'); // dims [10000]
 */
export function parseIdx(buffer: Uint8Array, source = 'IDX data'): IdxArray {
  const bytes = buffer[0] === 0x1f && buffer[1] === 0x8b ? new Uint8Array(gunzipSync(buffer)) : buffer;
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${source}: not an IDX file (magic must start with 00 00)`);
  }
  const type = bytes[2];
  const ndims = bytes[3];
  if (type !== UNSIGNED_BYTE) {
    throw new Error(`${source}: IDX value type ${TYPE_NAMES[type] ?? `0x${type.toString(16)}`} is not supported (expected uint8)`);
  }
  if (ndims < 1) throw new Error(`${source}: IDX header declares no dimensions`);
  const headerSize = 4 + 4 * ndims;
  if (bytes.length < headerSize) throw new Error(`${source}: truncated IDX header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = Array.from({ length: ndims }, (_, d) => view.getUint32(4 + 4 * d, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerSize;
  if (actual !== expected) {
    throw new Error(`${source}: IDX dims [${dims.join(', ')}] need ${expected} values, file holds ${actual}`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/**
 * Reads and parses one IDX file (see `parseIdx`).
 *
 * @example
 * const images = await readIdxFile('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz');
 */
export async function readIdxFile(path: string): Promise<IdxArray> {
  return parseIdx(new Uint8Array(await readFile(path)), path);
}
