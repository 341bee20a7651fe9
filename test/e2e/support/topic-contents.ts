import { randomUUID } from 'node:crypto';
import type { ConsumedRecord, Queue } from '../../../src/core/queue';

/** What the `items` and `feedback` topics hold: item ids and feedback event ids, in log order. */
export interface TopicContents {
  items: string[];
  feedback: string[];
}

/**
 * Reads `items` and `feedback` from the beginning with a fresh consumer group, naming each
 * record by its item id or feedback `eventId` (from the record's JSON), until `enough` holds or
 * `timeoutMs` passes, then once more briefly for stragglers.
 *
 * @example
 * const contents = await readTopicContents(queue, (c) => c.items.length >= 100, 60_000);
 */
export async function readTopicContents(queue: Queue, enough: (contents: TopicContents) => boolean, timeoutMs: number): Promise<TopicContents> {
  const consumer = await queue.consumer({ group: `e2e-audit-${process.pid}-${Date.now()}`, topics: ['items', 'feedback'] });
  const contents: TopicContents = { items: [], feedback: [] };
  const take = (records: Awaited<ReturnType<typeof consumer.poll>>) => {
    for (const record of records) {
      const value = JSON.parse(record.value);
      if (record.topic === 'items') contents.items.push(value.id);
      else contents.feedback.push(value.eventId);
    }
  };
  try {
    const deadline = Date.now() + timeoutMs;
    while (!enough(contents) && Date.now() < deadline) take(await consumer.poll(1000, 1000));
    take(await consumer.poll(1000, 1000));
    return contents;
  } finally {
    await consumer.close();
  }
}

/**
 * Reads the `dead-letters` topic from the beginning with a fresh consumer group until
 * `expected` records arrived or `timeoutMs` passed, then once more briefly, so that repeats
 * beyond the expected count show.
 *
 * @example
 * const letters = await readDeadLetters(queue, 4, 30_000);
 * letters.map((l) => l.headers.reason);
 */
export async function readDeadLetters(queue: Queue, expected: number, timeoutMs = 30_000): Promise<ConsumedRecord[]> {
  const consumer = await queue.consumer({ group: `dead-letter-audit-${randomUUID()}`, topics: ['dead-letters'] });
  const letters: ConsumedRecord[] = [];
  try {
    const deadline = Date.now() + timeoutMs;
    while (letters.length < expected && Date.now() < deadline) letters.push(...(await consumer.poll(500, 1000)));
    letters.push(...(await consumer.poll(500, 1500)));
    return letters;
  } finally {
    await consumer.close();
  }
}
