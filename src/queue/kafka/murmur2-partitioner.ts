import { Partitioners, type ICustomPartitioner } from 'kafkajs';

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/**
 * Kafka's murmur2 hash of a key's UTF-8 bytes, as the Java client's `Utils.murmur2` computes
 * it (a signed 32-bit result), in 32-bit integer arithmetic.
 *
 * @example
 * murmur2('item-7'); // same value as the Java client and kafkajs
 */
export function murmur2(key: string | Buffer): number {
  const data = typeof key === 'string' ? Buffer.from(key) : key;
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    let k = data[i4] | (data[i4 + 1] << 8) | (data[i4 + 2] << 16) | (data[i4 + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest > 0) {
    const tail = length & ~3;
    if (rest === 3) h ^= data[tail + 2] << 16;
    if (rest >= 2) h ^= data[tail + 1] << 8;
    h ^= data[tail];
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}

/**
 * kafkajs's `DefaultPartitioner` (a keyed record goes to `murmur2(key) & 0x7fffffff` modulo
 * the topic's partition count, like the Java client) with the hash in 32-bit integer
 * arithmetic: kafkajs computes it with 64-bit `Long` objects, which was a sixth of the
 * producer's CPU time. Records with an explicit partition or without a key are left to
 * kafkajs's own partitioner, so every record lands where kafkajs would put it.
 *
 * @example
 * kafka.producer({ createPartitioner: murmur2Partitioner, idempotent: true });
 */
export const murmur2Partitioner: ICustomPartitioner = () => {
  const fallback = Partitioners.DefaultPartitioner();
  return function murmur2Partition(args) {
    const { message, partitionMetadata } = args;
    if ((message.partition === null || message.partition === undefined) && message.key !== null && message.key !== undefined) {
      return (murmur2(message.key) & 0x7fffffff) % partitionMetadata.length;
    }
    return fallback(args);
  };
};
