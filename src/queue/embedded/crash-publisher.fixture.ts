import { createEmbeddedQueue } from './embedded-queue';

/**
 * Publishes numbered records to an embedded queue forever, from several concurrent
 * publishers, printing `ok <first> <count>` once each publish has resolved. A test kills
 * this process with SIGKILL and checks that every acknowledged record survived.
 * Usage: node --import tsx crash-publisher.fixture.ts <dir> <partitions>
 */
const [dir, partitions] = process.argv.slice(2);
const queue = createEmbeddedQueue({ dir, partitions: Number(partitions) });
await queue.init();
process.stdout.write('ready\n');
let next = 0;
async function publisher(): Promise<never> {
  for (;;) {
    const count = 1 + Math.floor(Math.random() * 50);
    const first = next;
    next += count;
    const records = Array.from({ length: count }, (_, i) => ({ key: `item-${(first + i) % 97}`, value: JSON.stringify({ n: first + i, pad: 'p'.repeat(200) }) }));
    await queue.publish('items', records);
    // Writes to a pipe are synchronous on Linux, so a printed line was really handed over.
    process.stdout.write(`ok ${first} ${count}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, publisher));
