import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { EventEmitter } from 'node:events';
import type { Logger } from '../../log/logger';
import { createGroupCommit, type GroupCommit } from '../group-commit';

/** One record as stored: key, value, headers and the time it was accepted. */
export interface StoredRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
  timestamp: number;
}

interface PendingAppend {
  frames: Buffer[];
  /** Set by the flush that wrote these frames. */
  firstOffset: number;
}

/** Frame header: payload length (uint32 BE) then CRC-32 of the payload (uint32 BE). */
const HEADER_BYTES = 8;
const READ_CHUNK_BYTES = 1 << 20;

/**
 * An append-only, fsync'd log of records for one topic partition, stored in one file as
 * length-prefixed, CRC-checked JSON frames. A record's offset is its index in the file.
 *
 * Appends resolve only after the bytes are on disk; concurrent appends share one write and
 * one fsync. Readers only ever see durable records. Opening the log after a crash truncates a
 * torn or corrupt tail (everything from the first frame that fails its length or CRC check),
 * which can only hold records whose appends never resolved.
 *
 * @example
 * const log = await PartitionLog.open('/data/queue/items/0.log', logger);
 * const first = await log.append([{ key: 'a', value: '{}', headers: {}, timestamp: Date.now() }]);
 * const records = await log.read(first, 100);
 */
export class PartitionLog extends EventEmitter<{ append: [] }> {
  /** Byte position of each record's frame, plus the end of the last one. */
  private positions: number[];
  private closed = false;
  private readonly commit: GroupCommit<PendingAppend>;

  private constructor(
    private readonly file: FileHandle,
    positions: number[],
    lingerMs: number,
  ) {
    super();
    this.positions = positions;
    this.commit = createGroupCommit<PendingAppend>((batches) => this.writeFrames(batches), { lingerMs });
  }

  /** Opens (creating if missing) the log at `path`; concurrent appends wait up to `lingerMs` (default 0) to share a write. */
  static async open(path: string, log: Logger, options: { lingerMs?: number } = {}): Promise<PartitionLog> {
    const file = await open(path, 'a+');
    try {
      const { positions, validBytes, fileBytes } = await scan(file);
      if (validBytes < fileBytes) {
        log.warn({ path, validBytes, droppedBytes: fileBytes - validBytes }, 'truncating torn tail of partition log');
        await file.truncate(validBytes);
        await file.sync();
      }
      return new PartitionLog(file, positions, options.lingerMs ?? 0);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Offset the next appended record will get (= number of durable records). */
  get endOffset(): number {
    return this.positions.length - 1;
  }

  /**
   * Appends records durably; resolves with the offset of the first one. With `deadlineMs`,
   * rejects with `WriteDeadlineError` when they are not durable in time (they may still land
   * later if their write had already begun).
   */
  async append(records: StoredRecord[], options: { deadlineMs?: number } = {}): Promise<number> {
    if (this.closed) throw new Error('partition log is closed');
    const batch: PendingAppend = { frames: records.map(encodeFrame), firstOffset: -1 };
    await this.commit.add(batch, options);
    return batch.firstOffset;
  }

  /** How long the write now in progress has been running, in ms (0 when none). */
  pendingWriteMs(): number {
    return this.commit.oldestFlushAgeMs();
  }

  private async writeFrames(batches: PendingAppend[]): Promise<void> {
    const data = Buffer.concat(batches.flatMap((b) => b.frames));
    let position = this.positions[this.positions.length - 1];
    try {
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await this.file.write(data, written, data.length - written, null);
        written += bytesWritten;
      }
      await this.file.datasync();
    } catch (error) {
      // The file is opened for appending: cut a partial write so later frames line up again.
      await this.file.truncate(position).catch(() => undefined);
      throw error;
    }
    for (const batch of batches) {
      batch.firstOffset = this.endOffset;
      for (const frame of batch.frames) {
        position += frame.length;
        this.positions.push(position);
      }
    }
    this.emit('append');
  }

  /** Reads up to `maxRecords` durable records starting at `offset`. */
  async read(offset: number, maxRecords: number): Promise<StoredRecord[]> {
    const end = Math.min(this.endOffset, offset + maxRecords);
    if (offset >= end) return [];
    const from = this.positions[offset];
    const to = this.positions[end];
    const buffer = Buffer.allocUnsafe(to - from);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await this.file.read(buffer, read, buffer.length - read, from + read);
      if (bytesRead === 0) throw new Error(`partition log ended early at byte ${from + read}`);
      read += bytesRead;
    }
    const records: StoredRecord[] = [];
    for (let at = 0; at < buffer.length; ) {
      const length = buffer.readUInt32BE(at);
      records.push(decodePayload(buffer.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length)));
      at += HEADER_BYTES + length;
    }
    return records;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.commit.idle();
    await this.file.close();
  }
}

function encodeFrame(record: StoredRecord): Buffer {
  const payload = Buffer.from(JSON.stringify({ k: record.key, v: record.value, h: record.headers, t: record.timestamp }));
  const frame = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.writeUInt32BE(crc32(payload), 4);
  payload.copy(frame, HEADER_BYTES);
  return frame;
}

function decodePayload(payload: Buffer): StoredRecord {
  const { k, v, h, t } = JSON.parse(payload.toString('utf8')) as { k: string; v: string; h: Record<string, string>; t: number };
  return { key: k, value: v, headers: h, timestamp: t };
}

/** Walks the frames from the start, stopping at the first incomplete or corrupt one. */
async function scan(file: FileHandle): Promise<{ positions: number[]; validBytes: number; fileBytes: number }> {
  const fileBytes = (await file.stat()).size;
  const positions = [0];
  let position = 0;
  let buffer = Buffer.alloc(0);
  let bufferStart = 0;
  const ensure = async (bytes: number): Promise<boolean> => {
    if (position + bytes > fileBytes) return false;
    if (position + bytes <= bufferStart + buffer.length) return true;
    const length = Math.max(bytes, READ_CHUNK_BYTES);
    const next = Buffer.allocUnsafe(Math.min(length, fileBytes - position));
    const { bytesRead } = await file.read(next, 0, next.length, position);
    buffer = next.subarray(0, bytesRead);
    bufferStart = position;
    return bytesRead >= bytes;
  };
  while (position < fileBytes) {
    if (!(await ensure(HEADER_BYTES))) break;
    const length = buffer.readUInt32BE(position - bufferStart);
    const checksum = buffer.readUInt32BE(position - bufferStart + 4);
    if (!(await ensure(HEADER_BYTES + length))) break;
    const payloadStart = position - bufferStart + HEADER_BYTES;
    const payload = buffer.subarray(payloadStart, payloadStart + length);
    if (crc32(payload) !== checksum) break;
    position += HEADER_BYTES + length;
    positions.push(position);
  }
  return { positions, validBytes: position, fileBytes };
}
