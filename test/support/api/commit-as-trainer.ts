import type { Queue } from '../../../src/core/queue';

/**
 * Reads every `items` record as the trainer's consumer group and commits them all, as a trainer
 * that has applied everything would: the API then knows its live collection is complete.
 *
 * @example
 * await commitAsTrainer(queue);
 */
export async function commitAsTrainer(queue: Queue, group = 'discern-trainer'): Promise<void> {
  const consumer = await queue.consumer({ group, topics: ['items'] });
  try {
    const next = new Map<number, number>();
    for (let batch = await consumer.poll(1000, 100); batch.length > 0; batch = await consumer.poll(1000, 100)) {
      for (const r of batch) next.set(r.partition, Number(r.offset) + 1);
    }
    await consumer.commit([...next].map(([partition, offset]) => ({ topic: 'items' as const, partition, offset: String(offset) })));
  } finally {
    await consumer.close();
  }
}
