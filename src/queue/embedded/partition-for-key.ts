/**
 * Picks the partition of a record key: the 32-bit FNV-1a hash of its UTF-8 bytes modulo the
 * partition count, so one key always lands on the same partition (and stays ordered there).
 *
 * @example
 * partitionForKey('item-42', 4); // same number in [0, 4) every time
 */
export function partitionForKey(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
