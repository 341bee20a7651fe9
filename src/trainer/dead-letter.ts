import type { ConsumedRecord, OutgoingRecord } from '../core/queue';

/**
 * The dead-letter record for a consumed record that could not be applied: the original key,
 * a JSON value with the reason and the original record, and the reason plus the source
 * topic/partition/offset as headers (a consumer can drop repeats by source offset).
 *
 * @example
 * await queue.publish('dead-letters', [deadLetterFor(record, 'image: is a PNG file that is truncated or damaged, so it cannot be decoded')]);
 */
export function deadLetterFor(record: ConsumedRecord, reason: string): OutgoingRecord {
  return {
    key: record.key,
    value: JSON.stringify({ reason, topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value }),
    headers: { reason: reason.slice(0, 1000), 'source-topic': record.topic, 'source-partition': String(record.partition), 'source-offset': record.offset },
  };
}

/**
 * One line naming each offending field of a failed schema validation (first five).
 *
 * @example
 * describeIssues(ItemRecordSchema.safeParse(value).error!.issues); // 'id: Invalid input: expected string, received undefined'
 */
export function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : 'value'}: ${i.message}`)
    .join('; ');
}
