import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from './idx-file';

/** Builds IDX bytes by hand: 00 00 <type> <ndims>, big-endian sizes, values. */
function idxBytes(dims: number[], values: number[], type = 0x08): Uint8Array {
  const header = [0, 0, type, dims.length];
  for (const d of dims) header.push((d >>> 24) & 255, (d >>> 16) & 255, (d >>> 8) & 255, d & 255);
  return Uint8Array.from([...header, ...values]);
}

describe('IDX parsing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'idx-'));
  const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);

  it('reads a plain uint8 file', async () => {
    writeFileSync(join(dir, 'images-idx3-ubyte'), idxBytes([2, 3, 4], values));
    const parsed = await readIdxFile(join(dir, 'images-idx3-ubyte'));
    expect(parsed.dims).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  it('reads a gzip-compressed file and a large dimension', async () => {
    const labels = Array.from({ length: 300 }, (_, i) => i % 10);
    writeFileSync(join(dir, 'labels-idx1-ubyte.gz'), gzipSync(idxBytes([300], labels)));
    const parsed = await readIdxFile(join(dir, 'labels-idx1-ubyte.gz'));
    expect(parsed.dims).toEqual([300]);
    expect(Array.from(parsed.data)).toEqual(labels);
  });

  it('rejects bad magic, other value types, wrong sizes and truncated headers', () => {
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 0]), 'x.idx')).toThrow(/x.idx: not an IDX file/);
    expect(() => parseIdx(idxBytes([2], [0, 0, 0, 0, 0, 0, 0, 0], 0x0d))).toThrow(/float32 is not supported/);
    expect(() => parseIdx(idxBytes([2, 3], [1, 2, 3]))).toThrow(/dims \[2, 3\] need 6 values, file holds 3/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0]))).toThrow(/truncated IDX header/);
  });
});
