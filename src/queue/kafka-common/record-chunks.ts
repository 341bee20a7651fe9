import type { OutgoingRecord, TopicName } from '../../core/queue';

/** Records of one topic, as a publish queued them. */
export interface TopicBatch {
  topic: TopicName;
  records: OutgoingRecord[];
}

/** One record of a produce request, with its logical topic. */
export interface ChunkedRecord {
  topic: TopicName;
  record: OutgoingRecord;
}

/**
 * Splits queued publishes, in order, into produce requests of at most ~`maxBytes` payload (a
 * single larger record goes alone).
 *
 * @example
 * recordChunks([{ topic: 'items', records }], 768 * 1024); // [[{ topic: 'items', record: records[0] }, …], …]
 */
export function recordChunks(batches: TopicBatch[], maxBytes: number): ChunkedRecord[][] {
  const chunks: ChunkedRecord[][] = [];
  let current: ChunkedRecord[] = [];
  let bytes = 0;
  for (const { topic, records } of batches) {
    for (const record of records) {
      const size = estimatedBytes(record);
      if (bytes > 0 && bytes + size > maxBytes) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push({ topic, record });
      bytes += size;
    }
  }
  if (bytes > 0) chunks.push(current);
  return chunks;
}

function estimatedBytes(r: OutgoingRecord): number {
  // Per-record overhead in a v2 record batch is ~20 bytes; 64 keeps the estimate safe.
  let size = 64 + Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
  for (const [name, value] of Object.entries(r.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
  return size;
}
