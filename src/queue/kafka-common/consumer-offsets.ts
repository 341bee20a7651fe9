import type { QueueConsumerOptions, TopicName, TopicPartitionOffset } from '../../core/queue';
import { parseOffset } from '../topics';

/** A position given in `startAt` or `commit`, checked, on its physical topic. */
export interface PhysicalOffset {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * The consumer's `startAt`, checked: each offset a decimal string, each topic one of its own.
 *
 * @example
 * startPositions({ topics: ['feedback'], startAt: [{ topic: 'feedback', partition: 0, offset: '42' }], group: 'trainer' });
 * // [{ topic: 'feedback', partition: 0, offset: 42 }]
 */
export function startPositions(options: QueueConsumerOptions): { topic: TopicName; partition: number; offset: number }[] {
  return (options.startAt ?? []).map((entry, i) => {
    const offset = parseOffset(entry, `startAt[${i}]`);
    if (!options.topics.includes(entry.topic)) throw new TypeError(`startAt[${i}].topic: "${entry.topic}" is not one of the consumer's topics`);
    return { ...entry, offset };
  });
}

/**
 * The offsets given to `commit`, checked, on their physical topics.
 *
 * @example
 * physicalOffsets([{ topic: 'feedback', partition: 0, offset: '43' }], (t) => `discern.${t}`);
 * // [{ topic: 'discern.feedback', partition: 0, offset: 43 }]
 */
export function physicalOffsets(offsets: TopicPartitionOffset[], topicOf: (topic: TopicName) => string): PhysicalOffset[] {
  if (!Array.isArray(offsets)) throw new TypeError('offsets: expected an array');
  return offsets.map((entry, i) => ({ topic: topicOf(entry.topic), partition: entry.partition, offset: parseOffset(entry, `offsets[${i}]`) }));
}
