import { crc32, deflateSync } from 'node:zlib';

/** An 8-bit greyscale (1 channel) or RGB (3 channels) image, rows top to bottom, HWC. */
export interface PngPixels {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
const IEND = chunk('IEND', Buffer.alloc(0));

/**
 * A PNG of 8-bit greyscale or RGB pixels, compressed with the runtime's native zlib. Thumbnails
 * are encoded for every catalog item as it arrives (70 000 at a seeded start), and a pure-JS
 * deflate spent several times as long setting up its tables as compressing each tiny image.
 *
 * @example
 * const png = encodePng({ width: 28, height: 28, channels: 1, data: pixels }); // Buffer starting \x89PNG
 */
export function encodePng({ width, height, channels, data }: PngPixels): Buffer {
  const stride = width * channels;
  if (data.length !== height * stride) throw new RangeError(`data: expected ${height * stride} bytes for ${width}×${height}×${channels}, got ${data.length}`);
  // Each row starts with its filter type; 0 (none) keeps encoding cheap, and deflate does the rest.
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // colour type: greyscale or truecolour
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), IEND]);
}

/** A PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
