import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { ConsumedRecord, QueueConsumer, TopicName, TopicPartitionOffset } from '../../core/queue';
import { physicalOffsets, startPositions } from '../kafka-common/consumer-offsets';
import { Arrival, assertPollArguments } from '../kafka-common/poll-wait';
import { logicalTopicsOf, type PullConsumerOptions } from '../kafka-common/pull-consumer-options';
import { within } from '../kafka-common/within';
import { kafkaGroupLag } from './kafka-group-lag';

export interface KafkaPullConsumerOptions extends PullConsumerOptions {
  kafka: Kafka;
  admin: Admin;
}

/**
 * A pull-style consumer (`poll`) over kafkajs's push API. kafkajs's `eachBatch` fills a bounded
 * buffer (fetching pauses when it is full) that `poll` drains. Offsets are committed only
 * explicitly; the consumer tracks its own position per partition (from `startAt`, then from
 * what `poll` handed out) and seeks there on every assignment, so a rebalance neither skips
 * nor repeats records already returned by `poll`.
 *
 * @example
 * const consumer = await KafkaPullConsumer.start({ kafka, admin, topicOf, log, group: 'trainer', topics: ['feedback'] });
 * const records = await consumer.poll(500, 1000);
 * await consumer.commit([{ topic: 'feedback', partition: 0, offset: String(Number(records.at(-1)!.offset) + 1) }]);
 */
export class KafkaPullConsumer implements QueueConsumer {
  private buffer: ConsumedRecord[] = [];
  private readonly positions = new Map<string, number>();
  private paused = false;
  private closed = false;
  private readonly arrival = new Arrival();
  private readonly logicalOf: Map<string, TopicName>;
  private readonly bufferRecords: number;

  private constructor(
    private readonly consumer: Consumer,
    private readonly options: KafkaPullConsumerOptions,
  ) {
    this.bufferRecords = options.bufferRecords ?? 5000;
    this.logicalOf = logicalTopicsOf(options);
  }

  static async start(options: KafkaPullConsumerOptions): Promise<KafkaPullConsumer> {
    const startAt = startPositions(options);
    const consumer = options.kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20_000,
      maxWaitTimeInMs: 500,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    const self = new KafkaPullConsumer(consumer, options);
    for (const s of startAt) self.positions.set(`${options.topicOf(s.topic)}/${s.partition}`, s.offset);

    let joined: () => void = () => undefined;
    const firstJoin = new Promise<void>((resolve) => (joined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      self.onAssignment(payload.memberAssignment);
      joined();
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: options.topics.map(options.topicOf), fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => self.onBatch(payload),
      });
      const timeoutMs = options.joinTimeoutMs ?? 60_000;
      await within(firstJoin, timeoutMs, `consumer group "${options.group}" got no assignment within ${timeoutMs} ms`);
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    return self;
  }

  /** A (re)assignment: drop what was buffered and continue every partition from our position. */
  private onAssignment(assignment: Record<string, number[]>): void {
    this.buffer = [];
    this.resumeFetching();
    for (const [topic, partitions] of Object.entries(assignment)) {
      for (const partition of partitions) {
        const position = this.positions.get(`${topic}/${partition}`);
        if (position !== undefined) this.consumer.seek({ topic, partition, offset: String(position) });
      }
    }
    this.options.log.debug({ group: this.options.group, assignment }, 'partitions assigned');
  }

  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    const topic = this.logicalOf.get(batch.topic)!;
    for (const m of batch.messages) {
      this.buffer.push({
        topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key?.toString('utf8') ?? '',
        value: m.value?.toString('utf8') ?? '',
        headers: headersOf(m.headers),
        timestamp: Number(m.timestamp),
      });
    }
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    if (this.buffer.length >= this.bufferRecords && !this.paused) {
      this.paused = true;
      this.consumer.pause([...this.logicalOf.keys()].map((t) => ({ topic: t })));
    }
    this.arrival.wake();
    await heartbeat();
  }

  private resumeFetching(): void {
    if (!this.paused) return;
    this.paused = false;
    this.consumer.resume([...this.logicalOf.keys()].map((t) => ({ topic: t })));
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumedRecord[]> {
    assertPollArguments(maxRecords, timeoutMs, this.closed);
    if (this.buffer.length === 0 && timeoutMs > 0) await this.arrival.sleep(timeoutMs);
    const records = this.buffer.splice(0, maxRecords);
    for (const r of records) this.positions.set(`${this.options.topicOf(r.topic)}/${r.partition}`, Number(r.offset) + 1);
    if (this.buffer.length < this.bufferRecords / 2) this.resumeFetching();
    return records;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const physical = physicalOffsets(offsets, this.options.topicOf).map((entry) => ({ ...entry, offset: String(entry.offset) }));
    if (physical.length > 0) await this.consumer.commitOffsets(physical);
  }

  async lag(): Promise<Record<string, number>> {
    const { admin, group, topics, topicOf } = this.options;
    return kafkaGroupLag(admin, topicOf, group, topics);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.arrival.wake();
    await this.consumer.disconnect();
  }
}

function headersOf(headers: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = (Array.isArray(value) ? value[value.length - 1] : value).toString();
  }
  return out;
}
