import { open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import type { VectorPayload } from '../../core/vector-store';

/**
 * One collection's append-only record log. Each frame is
 * `u32 bodyLength | u32 crc32(body) | body`, and a body is
 * `u8 kind | u16 idLength | id (UTF-8) | [vector as float32 LE | payload JSON]` (the bracketed
 * part for upserts only). Deletes are tombstone frames; compaction rewrites live points only.
 */

const HEADER_BYTES = 8;
const KIND_UPSERT = 1;
const KIND_DELETE = 2;

export interface SegmentReplay {
  /** `vector` views the file buffer: copy it before the next call. */
  upsert(id: string, vector: Uint8Array, payload: VectorPayload): void;
  delete(id: string): void;
}

export interface SegmentOpenResult {
  segment: SegmentLog;
  /** Frames replayed (upserts and tombstones). */
  records: number;
  /** Bytes dropped from a torn or corrupt tail (0 when the file was whole). */
  droppedBytes: number;
}

/**
 * Encodes an upsert frame.
 *
 * @example
 * const frame = encodeUpsert('item-1', new Float32Array([0.6, 0.8]), { label: 'shoe' });
 */
export function encodeUpsert(id: string, vector: Float32Array, payload: VectorPayload): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const payloadBytes = Buffer.from(JSON.stringify(payload), 'utf8');
  const bodyLength = 3 + idBytes.length + vector.byteLength + payloadBytes.length;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  let at = HEADER_BYTES;
  frame.writeUInt8(KIND_UPSERT, at);
  frame.writeUInt16LE(idBytes.length, at + 1);
  at += 3;
  at += idBytes.copy(frame, at);
  at += Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).copy(frame, at);
  payloadBytes.copy(frame, at);
  return seal(frame, bodyLength);
}

/**
 * Encodes a tombstone frame.
 *
 * @example
 * const frame = encodeDelete('item-1');
 */
export function encodeDelete(id: string): Buffer {
  const idBytes = Buffer.from(id, 'utf8');
  const bodyLength = 3 + idBytes.length;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  frame.writeUInt8(KIND_DELETE, HEADER_BYTES);
  frame.writeUInt16LE(idBytes.length, HEADER_BYTES + 1);
  idBytes.copy(frame, HEADER_BYTES + 3);
  return seal(frame, bodyLength);
}

function seal(frame: Buffer, bodyLength: number): Buffer {
  frame.writeUInt32LE(bodyLength, 0);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES)), 4);
  return frame;
}

/**
 * Replays whole frames from `data`; returns how many were read and where the valid prefix ends.
 * A short or checksum-failing frame ends the replay: everything after it is a torn write.
 *
 * @example
 * const { records, validEnd } = replayFrames(buffer, 128, { upsert() {}, delete() {} });
 */
export function replayFrames(data: Buffer, dimension: number, replay: SegmentReplay): { records: number; validEnd: number } {
  const vectorBytes = dimension * 4;
  let at = 0;
  let records = 0;
  while (at + HEADER_BYTES <= data.length) {
    const bodyLength = data.readUInt32LE(at);
    const bodyStart = at + HEADER_BYTES;
    const bodyEnd = bodyStart + bodyLength;
    if (bodyLength < 3 || bodyEnd > data.length) break;
    const body = data.subarray(bodyStart, bodyEnd);
    if (crc32(body) !== data.readUInt32LE(at + 4)) break;
    const kind = body[0];
    const idEnd = 3 + body.readUInt16LE(1);
    if (idEnd > body.length) break;
    const id = body.toString('utf8', 3, idEnd);
    if (kind === KIND_UPSERT) {
      if (idEnd + vectorBytes > body.length) break;
      const payload = JSON.parse(body.toString('utf8', idEnd + vectorBytes)) as VectorPayload;
      replay.upsert(id, body.subarray(idEnd, idEnd + vectorBytes), payload);
    } else if (kind === KIND_DELETE) {
      replay.delete(id);
    } else {
      break;
    }
    records++;
    at = bodyEnd;
  }
  return { records, validEnd: at };
}

/**
 * The file behind a collection: replayed on open (dropping a torn tail), appended with fsync,
 * and rewritten atomically (temp file + rename) when compacted.
 *
 * @example
 * const { segment } = await SegmentLog.open('/data/collections/c/segment.log', 128, replay);
 * await segment.append(Buffer.concat([encodeUpsert('a', vec, {})]));
 */
export class SegmentLog {
  private constructor(
    readonly path: string,
    private handle: FileHandle,
    /** Frames in the file, live or superseded. */
    public records: number,
  ) {}

  static async open(path: string, dimension: number, replay: SegmentReplay): Promise<SegmentOpenResult> {
    const data = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return Buffer.alloc(0);
      throw error;
    });
    const { records, validEnd } = replayFrames(data, dimension, replay);
    const handle = await open(path, 'a');
    const droppedBytes = data.length - validEnd;
    if (droppedBytes > 0) {
      await handle.truncate(validEnd);
      await handle.datasync();
    }
    return { segment: new SegmentLog(path, handle, records), records, droppedBytes };
  }

  /** Resolves once the frames are on disk. */
  async append(frames: Buffer, frameCount: number): Promise<void> {
    await this.handle.write(frames);
    await this.handle.datasync();
    this.records += frameCount;
  }

  /** Replaces the file with `frames` (the live points), atomically. */
  async rewrite(frames: Iterable<Buffer>): Promise<void> {
    const tmpPath = `${this.path}.compact`;
    const tmp = await open(tmpPath, 'w');
    let count = 0;
    try {
      const chunk: Buffer[] = [];
      let chunkBytes = 0;
      for (const frame of frames) {
        chunk.push(frame);
        chunkBytes += frame.length;
        count++;
        if (chunkBytes >= 4 << 20) {
          await tmp.write(Buffer.concat(chunk));
          chunk.length = 0;
          chunkBytes = 0;
        }
      }
      if (chunk.length > 0) await tmp.write(Buffer.concat(chunk));
      await tmp.sync();
    } finally {
      await tmp.close();
    }
    await this.handle.close();
    await rename(tmpPath, this.path);
    await syncDirectory(dirname(this.path));
    this.handle = await open(this.path, 'a');
    this.records = count;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** Removes a leftover of an interrupted compaction. */
  static async removeLeftovers(path: string): Promise<void> {
    await rm(`${path}.compact`, { force: true });
  }
}

/** A rename is durable only once its directory entry is flushed. */
export async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
