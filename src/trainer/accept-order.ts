import type { TopicName } from '../core/queue';

/**
 * Where a record sits in the order the API accepted records: its `receivedAt` first, then,
 * for records stamped in the same millisecond (by several API processes, or one request's
 * items), its topic, partition and offset. A total order that does not depend on how a
 * consumer happens to interleave the topics, so the newest write of a field can be told apart
 * from an older one applied late.
 */
export interface AcceptStamp {
  /** `receivedAt`: when the API accepted the record, ms since the epoch. */
  at: number;
  /** 0 for `items`, 1 for `feedback`. */
  topic: number;
  partition: number;
  offset: number;
}

const TOPIC_RANK: Partial<Record<TopicName, number>> = { items: 0, feedback: 1 };

/**
 * The stamp of a consumed record accepted at `receivedAt`.
 *
 * @example
 * stampOf({ topic: 'feedback', partition: 2, offset: '17' }, event.receivedAt);
 */
export function stampOf(position: { topic: TopicName; partition: number; offset: string | number }, receivedAt: number): AcceptStamp {
  return { at: receivedAt, topic: TOPIC_RANK[position.topic] ?? 2, partition: position.partition, offset: Number(position.offset) };
}

/**
 * A stamp from a bare time (tests, and writes with no log position): it sorts before every
 * record accepted in the same millisecond.
 *
 * @example
 * asStamp(Date.now());
 */
export function asStamp(stamp: AcceptStamp | number): AcceptStamp {
  return typeof stamp === 'number' ? { at: stamp, topic: -1, partition: 0, offset: 0 } : stamp;
}

/**
 * Negative when `a` was accepted before `b`, positive after, 0 for the same record.
 *
 * @example
 * compareStamps(stampOf(item, 10), stampOf(label, 12)); // < 0
 */
export function compareStamps(a: AcceptStamp, b: AcceptStamp): number {
  return a.at - b.at || a.topic - b.topic || a.partition - b.partition || a.offset - b.offset;
}
