import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Queue } from '../../src/core/queue';
import { createQueue } from '../../src/queue/index';

/**
 * Measures publish throughput (events/s, each resolved = durably accepted) for batches of
 * 1, 100 and 1000 events, with one publisher and with several concurrent ones, then checks
 * that a consumer reads back every event.
 *
 * @example
 * npx tsx bench/ingest/publish-bench.ts --kind embedded
 * npx tsx bench/ingest/publish-bench.ts --kind kafka --brokers 127.0.0.1:9092
 */
const { values: args } = parseArgs({
  options: {
    kind: { type: 'string', default: 'embedded' },
    brokers: { type: 'string' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    partitions: { type: 'string', default: '3' },
  },
});
const seconds = Number(args.seconds);
const partitions = Number(args.partitions);
const dir = args.kind === 'embedded' ? await mkdtemp(join(tmpdir(), 'discern-bench-')) : '';
const queue: Queue =
  args.kind === 'kafka'
    ? createQueue({ kind: 'kafka', brokers: (args.brokers ?? '').split(','), clientId: 'bench', topicPrefix: `bench${Date.now()}`, partitions })
    : createQueue({ kind: 'embedded', dir, partitions });
await queue.init();

const value = JSON.stringify({ itemId: 'item-000000', anchor: 'item-000001', positive: 'item-000002', negative: 'item-000003', at: new Date().toISOString() });
let published = 0;
const results: Record<string, unknown>[] = [];
for (const batchSize of [1, 100, 1000]) {
  for (const publishers of [1, Number(args.concurrency)]) {
    const deadline = Date.now() + seconds * 1000;
    const started = process.hrtime.bigint();
    let events = 0;
    await Promise.all(
      Array.from({ length: publishers }, async () => {
        while (Date.now() < deadline) {
          const records = Array.from({ length: batchSize }, () => ({ key: `item-${published++ % 10_000}`, value }));
          await queue.publish('feedback', records);
          events += batchSize;
        }
      }),
    );
    const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
    results.push({ kind: args.kind, batchSize, publishers, events, eventsPerSecond: Math.round(events / elapsedS) });
  }
}
console.table(results);

const consumer = await queue.consumer({ group: 'bench', topics: ['feedback'] });
const started = process.hrtime.bigint();
let consumed = 0;
for (let batch = await consumer.poll(5000, 5000); batch.length > 0; batch = await consumer.poll(5000, 2000)) consumed += batch.length;
const consumeS = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ published, consumed, consumeEventsPerSecond: Math.round(consumed / consumeS) }));
await queue.close();
if (dir) await rm(dir, { recursive: true, force: true });
if (consumed !== published) process.exitCode = 1;
