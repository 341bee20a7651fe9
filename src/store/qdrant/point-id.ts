import { createHash } from 'node:crypto';

/** Fixed namespace: the same string id maps to the same point id on every machine and run. */
const NAMESPACE = Buffer.from('3b0c7e5a9f7d4c1e8a2b6d4f1e0c9a77', 'hex');

/**
 * Maps a string id to a Qdrant point id: a name-based UUID (version 5, SHA-1) of the id.
 * Qdrant only accepts unsigned integers or UUIDs, so the original id also travels in the payload.
 *
 * @example
 * toQdrantPointId('item-42'); // always the same 'xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx'
 */
export function toQdrantPointId(id: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(id, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
