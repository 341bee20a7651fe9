import type { TopicName, TopicPartitionOffset } from '../core/queue';

const keyOf = (topic: string, partition: number) => `${topic}/${partition}`;

function toOffsets(map: Map<string, number>): TopicPartitionOffset[] {
  return [...map].map(([key, offset]) => {
    const [topic, partition] = key.split('/');
    return { topic: topic as TopicName, partition: Number(partition), offset: String(offset) };
  });
}

/**
 * Where the trainer stands in each partition: the offsets of its last durable checkpoint
 * (records below them are replayed to rebuild state, not trained on again) and the next offset
 * after what this process has applied. A restart re-reads every checkpointed partition from
 * offset 0, so no accepted record is ever skipped.
 *
 * @example
 * const tracker = new ReplayTracker(saved.meta.offsets);
 * consumer = await queue.consumer({ group, topics, startAt: tracker.replayFrom(['items', 'feedback'], 6) });
 * for (const record of records) { const fresh = tracker.isNew(record); apply(record); tracker.advance(record); }
 * if (tracker.caughtUp()) train();
 */
export class ReplayTracker {
  private checkpointed: Map<string, number>;
  private readonly applied = new Map<string, number>();

  constructor(checkpointOffsets: TopicPartitionOffset[] = []) {
    this.checkpointed = new Map(checkpointOffsets.map((o) => [keyOf(o.topic, o.partition), Number(o.offset)]));
  }

  /** Offset 0 of every checkpointed partition, and of the first `partitionsPerTopic` of each topic. */
  replayFrom(topics: TopicName[], partitionsPerTopic = 0): TopicPartitionOffset[] {
    const partitions = new Set(this.checkpointed.keys());
    for (const topic of topics) for (let p = 0; p < partitionsPerTopic; p++) partitions.add(keyOf(topic, p));
    return toOffsets(new Map([...partitions].map((key) => [key, 0])));
  }

  /** Whether a record lies at or past the checkpoint, i.e. was never applied before a restart. */
  isNew(record: { topic: string; partition: number; offset: string }): boolean {
    return Number(record.offset) >= (this.checkpointed.get(keyOf(record.topic, record.partition)) ?? 0);
  }

  /** Notes that a record has been applied. */
  advance(record: { topic: string; partition: number; offset: string }): void {
    const key = keyOf(record.topic, record.partition);
    this.applied.set(key, Math.max(this.applied.get(key) ?? 0, Number(record.offset) + 1));
  }

  /** Whether every record below the checkpoint has been re-read. */
  caughtUp(): boolean {
    for (const [key, offset] of this.checkpointed) if ((this.applied.get(key) ?? 0) < offset) return false;
    return true;
  }

  /** What a checkpoint taken now covers: per partition, the furthest of the checkpoint and what was applied. */
  offsetsToCheckpoint(): TopicPartitionOffset[] {
    const merged = new Map(this.checkpointed);
    for (const [key, offset] of this.applied) merged.set(key, Math.max(offset, merged.get(key) ?? 0));
    return toOffsets(merged);
  }

  /** Records that a checkpoint with these offsets is durable. */
  checkpointedAt(offsets: TopicPartitionOffset[]): void {
    this.checkpointed = new Map(offsets.map((o) => [keyOf(o.topic, o.partition), Number(o.offset)]));
  }

  /** Whether records were applied beyond the last checkpoint. */
  hasUncheckpointed(): boolean {
    for (const [key, offset] of this.applied) if (offset > (this.checkpointed.get(key) ?? 0)) return true;
    return false;
  }
}
