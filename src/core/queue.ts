/**
 * The `Queue` port: a durable, partitioned, ordered-per-key log (Kafka in production,
 * an fsync'd local log in the embedded default).
 */

/**
 * Logical topics. Adapters may prefix them (e.g. `discern.items`). `reembed-tasks` carries
 * shares of a catalog to embed with a new model version; `reembed-done` the workers' replies.
 */
export type TopicName = 'items' | 'feedback' | 'dead-letters' | 'reembed-tasks' | 'reembed-done';

export interface OutgoingRecord {
  /** Records with the same key land on the same partition and stay ordered. */
  key: string;
  /** JSON text. */
  value: string;
  headers?: Record<string, string>;
}

export interface ConsumedRecord {
  topic: TopicName;
  partition: number;
  /** Offset of this record (decimal string, as Kafka reports it). */
  offset: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  /** Milliseconds since the epoch when the record was accepted. */
  timestamp: number;
}

/** The next offset to read, per topic and partition (Kafka's commit convention). */
export interface TopicPartitionOffset {
  topic: TopicName;
  partition: number;
  offset: string;
}

export interface QueueHealth {
  ok: boolean;
  detail?: string;
}

export interface QueueConsumerOptions {
  /** Consumer group id; a group's committed offsets survive restarts. */
  group: string;
  topics: TopicName[];
  /**
   * Where to start. Offsets listed here win over the group's committed offsets (a trainer
   * restores them from its checkpoint); partitions not listed start at the committed offset,
   * or at the beginning when nothing was committed.
   */
  startAt?: TopicPartitionOffset[];
}

export interface QueueConsumer {
  /**
   * Waits up to `timeoutMs` for records and returns at most `maxRecords` of them, in order
   * within each partition. Returns an empty array on timeout.
   */
  poll(maxRecords: number, timeoutMs: number): Promise<ConsumedRecord[]>;
  /** Commits next-offsets (offset of the last processed record + 1). */
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  /** Records not yet consumed by this group, per topic (for lag metrics). */
  lag(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/**
 * Follows one topic from its beginning, outside any consumer group: nothing is committed, no
 * other reader or consumer is affected, and records published later arrive too. For processes
 * that keep a view of a whole topic (e.g. the API's view of the dead letters).
 */
export interface TopicReader {
  /**
   * Waits up to `timeoutMs` for records and returns at most `maxRecords` of them, in order
   * within each partition. Returns an empty array on timeout.
   */
  poll(maxRecords: number, timeoutMs: number): Promise<ConsumedRecord[]>;
  close(): Promise<void>;
}

export interface Queue {
  /**
   * Partitions per topic that a consumer replaying everything from the start lists in `startAt`
   * (partitions not listed start at the committed offset). Kafka: the count its topics are
   * created with; undefined where listing the checkpointed partitions is enough (embedded).
   */
  readonly replayPartitions?: number;
  /** Creates topics if missing (partition count from config). Idempotent. */
  init(): Promise<void>;
  /**
   * Appends records. Resolves only once they are durably accepted (Kafka: acks=all with an
   * idempotent producer; embedded: written and fsync'd). Rejects with `QueueUnavailableError`
   * when the queue cannot accept them.
   */
  publish(topic: TopicName, records: OutgoingRecord[]): Promise<void>;
  consumer(options: QueueConsumerOptions): Promise<QueueConsumer>;
  /** A `TopicReader` over `topic`, starting at the beginning of every partition. */
  reader(topic: TopicName): Promise<TopicReader>;
  /**
   * Records of each of `topics` that consumer group `group` has not committed yet (everything,
   * for a group that never committed), read without joining the group.
   */
  committedLag(group: string, topics: TopicName[]): Promise<Record<string, number>>;
  health(): Promise<QueueHealth>;
  close(): Promise<void>;
}

/** Thrown when the queue cannot durably accept records right now (maps to HTTP 503). */
export class QueueUnavailableError extends Error {
  constructor(message: string, readonly retryAfterSeconds = 5, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}
