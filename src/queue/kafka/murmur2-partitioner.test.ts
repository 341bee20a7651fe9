import { createRequire } from 'node:module';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { murmur2, murmur2Partitioner } from './murmur2-partitioner';

// kafkajs's own murmur2 (64-bit Long arithmetic, ported from the Java client) is the reference.
const referenceMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2') as (key: string | Buffer) => number;

function randomKeys(count: number): string[] {
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:é漢字😀';
  const chars = [...alphabet];
  return Array.from({ length: count }, (_, i) => {
    const length = i % 41;
    return Array.from({ length }, () => chars[next() % chars.length]).join('');
  });
}

const metadata = (partitions: number, leaderless: number[] = []): PartitionMetadata[] =>
  Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: leaderless.includes(partitionId) ? -1 : 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));

describe('murmur2', () => {
  it('equals kafkajs\'s (Java-compatible) murmur2 for keys of every length mod 4, ASCII and multi-byte UTF-8', () => {
    const keys = [...randomKeys(5000), '', 'a', 'item-7', 'fmnist-train-59999'];
    const mismatches = keys.filter((key) => murmur2(key) !== referenceMurmur2(key));
    expect(mismatches).toEqual([]);
  });

  it('hashes a Buffer like the string it encodes', () => {
    for (const key of randomKeys(200)) expect(murmur2(Buffer.from(key))).toBe(murmur2(key));
  });

  it('matches values computed by the Java client (Kafka\'s UtilsTest)', () => {
    // Utils.murmur2 on the UTF-8 bytes of these strings, from Apache Kafka's test suite.
    expect(murmur2('21')).toBe(-973932308);
    expect(murmur2('foobar')).toBe(-790332482);
    expect(murmur2('a-little-bit-long-string')).toBe(-985981536);
    expect(murmur2('a-little-bit-longer-string')).toBe(-1486304829);
    expect(murmur2('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')).toBe(-58897971);
    expect(murmur2('abc')).toBe(479470107);
  });
});

describe('murmur2Partitioner', () => {
  it('puts every record on the partition kafkajs\'s DefaultPartitioner chooses', () => {
    const ours = murmur2Partitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (const partitions of [1, 3, 6, 7, 64]) {
      const partitionMetadata = metadata(partitions, partitions > 3 ? [1] : []);
      for (const key of randomKeys(1000)) {
        const args = { topic: 'discern.feedback', partitionMetadata, message: { key, value: '{}' } };
        expect(ours(args), `key ${JSON.stringify(key)} over ${partitions} partitions`).toBe(reference(args));
      }
    }
  });

  it('keeps an explicit partition, and spreads keyless records over partitions with a leader', () => {
    const ours = murmur2Partitioner();
    const partitionMetadata = metadata(4, [2]);
    expect(ours({ topic: 't', partitionMetadata, message: { key: 'k', value: '{}', partition: 3 } })).toBe(3);
    const chosen = new Set(Array.from({ length: 40 }, () => ours({ topic: 't', partitionMetadata, message: { value: '{}' } })));
    expect([...chosen].sort()).toEqual([0, 1, 3]);
  });
});
