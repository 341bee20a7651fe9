import { Consumer, MessagesStreamModes, stringDeserializers, type Admin, type GroupAssignment, type Message, type MessagesStream } from '@platformatic/kafka';
import type { ConsumedRecord, QueueConsumer, TopicName, TopicPartitionOffset } from '../../core/queue';
import { physicalOffsets, startPositions } from '../kafka-common/consumer-offsets';
import { Arrival, assertPollArguments } from '../kafka-common/poll-wait';
import { logicalTopicsOf, type PullConsumerOptions } from '../kafka-common/pull-consumer-options';
import { within } from '../kafka-common/within';
import { committedOrEarliest } from './committed-or-earliest';
import { platformaticGroupLag } from './platformatic-group-lag';

export interface PlatformaticPullConsumerOptions extends PullConsumerOptions {
  brokers: string[];
  clientId: string;
  admin: Admin;
}

type Strings = Message<string, string, string, string>;

/**
 * A pull-style consumer (`poll`) over @platformatic/kafka's message stream. The stream runs in
 * manual-offset mode and fills a bounded buffer (the stream pauses when it is full) that `poll`
 * drains. Offsets are committed only explicitly. The consumer tracks its own position per
 * partition (from `startAt`, then from what `poll` handed out): a partition newly assigned to it
 * starts there, else at the group's committed offset, else at the earliest offset; a partition
 * it keeps across a rebalance goes on where it was, and the records of a partition it loses are
 * dropped from the buffer. A rebalance therefore neither skips nor repeats records already
 * returned by `poll`. When the stream or the group membership fails for good (the client's own
 * retries spent), it joins again with a fresh client from those positions, as kafkajs restarts
 * a crashed consumer.
 *
 * @example
 * const consumer = await PlatformaticPullConsumer.start({ brokers, clientId, admin, topicOf, log, group: 'trainer', topics: ['feedback'] });
 * const records = await consumer.poll(500, 1000);
 * await consumer.commit([{ topic: 'feedback', partition: 0, offset: String(Number(records.at(-1)!.offset) + 1) }]);
 */
export class PlatformaticPullConsumer implements QueueConsumer {
  private buffer: ConsumedRecord[] = [];
  /** Next offset `poll` hands out, per `<physical topic>:<partition>`. */
  private readonly positions = new Map<string, bigint>();
  /** Next offset accepted from the stream, per assigned partition. */
  private readonly expected = new Map<string, bigint>();
  private assigned = new Set<string>();
  private full = false;
  private lookups = 0;
  private streamPaused = false;
  private recovering = false;
  private consumer: Consumer<string, string, string, string> | undefined;
  private closed = false;
  private readonly arrival = new Arrival();
  private stream: MessagesStream<string, string, string, string> | undefined;
  private readonly logicalOf: Map<string, TopicName>;
  private readonly bufferRecords: number;

  private constructor(private readonly options: PlatformaticPullConsumerOptions) {
    this.bufferRecords = options.bufferRecords ?? 5000;
    this.logicalOf = logicalTopicsOf(options);
  }

  static async start(options: PlatformaticPullConsumerOptions): Promise<PlatformaticPullConsumer> {
    const startAt = startPositions(options);
    const self = new PlatformaticPullConsumer(options);
    for (const s of startAt) self.positions.set(`${options.topicOf(s.topic)}:${s.partition}`, BigInt(s.offset));
    await self.connect();
    return self;
  }

  /** Joins the group with a fresh client and starts its stream at each assigned partition's starting offset. */
  private async connect(): Promise<void> {
    const { options } = this;
    const consumer = new Consumer<string, string, string, string>({
      clientId: options.clientId,
      bootstrapBrokers: options.brokers,
      groupId: options.group,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
      rebalanceTimeout: 20_000,
      maxWaitTime: 500,
      connectTimeout: 1000,
      retries: 8,
      retryDelay: 200,
    });
    // A failed rejoin is reported as an 'error' event, which would otherwise end the process.
    consumer.on('error', (error: Error) => this.recover(consumer, error));
    const timeoutMs = options.joinTimeoutMs ?? 60_000;
    try {
      const physical = options.topics.map(options.topicOf);
      const { topics } = await options.admin.metadata({ topics: physical, forceUpdate: true });
      const everyPartition = new Map(physical.map((name) => [name, Array.from({ length: topics.get(name)?.partitionsCount ?? 0 }, (_, i) => i)]));
      const starts = await this.startingOffsets(everyPartition);
      const stream = await within(
        consumer.consume({
          topics: physical,
          mode: MessagesStreamModes.MANUAL,
          offsets: [...starts].map(([key, offset]) => ({ ...splitKey(key), offset })),
          autocommit: false,
          maxWaitTime: 500,
        }),
        timeoutMs,
        `consumer group "${options.group}" got no assignment within ${timeoutMs} ms`,
      );
      this.consumer = consumer;
      this.attach(consumer, stream, starts);
    } catch (error) {
      await consumer.close(true).catch(() => undefined);
      throw error;
    }
  }

  /**
   * The stream or the group membership failed (e.g. the broker was away longer than the client's
   * retries): starts over with a fresh client from the positions `poll` reached, retrying with
   * backoff until it succeeds or the consumer closes, as kafkajs restarts a crashed consumer.
   * Records buffered but not yet polled are fetched again.
   */
  private recover(failed: Consumer<string, string, string, string>, error: Error): void {
    if (this.closed || this.recovering || failed !== this.consumer) return;
    this.recovering = true;
    this.options.log.warn({ err: error, group: this.options.group }, 'consumer failed; joining the group again');
    const stream = this.stream;
    this.stream = undefined;
    this.buffer = [];
    this.assigned = new Set();
    this.expected.clear();
    this.full = false;
    this.streamPaused = false;
    void stream?.close().catch(() => undefined);
    void failed.close(true).catch(() => undefined);
    void (async () => {
      for (let backoffMs = 500; !this.closed; backoffMs = Math.min(5000, backoffMs * 2)) {
        try {
          await this.connect();
          this.options.log.info({ group: this.options.group }, 'consumer joined the group again');
          break;
        } catch (retryError) {
          this.options.log.warn({ err: retryError, group: this.options.group, retryInMs: backoffMs }, 'cannot join the group yet');
          await new Promise((resolve) => setTimeout(resolve, backoffMs));
        }
      }
      this.recovering = false;
      if (this.closed) await this.close().catch(() => undefined);
    })();
  }

  /** Where each partition starts when this consumer is given it: its own position, else committed, else earliest. */
  private async startingOffsets(partitions: Map<string, number[]>): Promise<Map<string, bigint>> {
    const starts = await committedOrEarliest(this.options.admin, this.options.group, partitions);
    for (const key of starts.keys()) {
      const position = this.positions.get(key);
      if (position !== undefined) starts.set(key, position);
    }
    return starts;
  }

  private attach(consumer: Consumer<string, string, string, string>, stream: MessagesStream<string, string, string, string>, starts: Map<string, bigint>): void {
    this.stream = stream;
    this.assigned = keysOf(consumer.assignments ?? []);
    for (const key of this.assigned) this.expected.set(key, starts.get(key) ?? 0n);
    stream.on('data', (message: Strings) => {
      if (this.stream === stream) this.onMessage(message);
    });
    stream.on('error', (error: Error) => this.recover(consumer, error));
    consumer.on('consumer:group:join', ({ assignments }: { assignments?: GroupAssignment[] }) => {
      if (this.consumer === consumer) this.onAssignment(assignments ?? []);
    });
    this.options.log.debug({ group: this.options.group, assignment: [...this.assigned] }, 'partitions assigned');
  }

  /** A rebalance: drop what was buffered from partitions lost, and place the partitions gained. */
  private onAssignment(assignments: GroupAssignment[]): void {
    const next = keysOf(assignments);
    const gained = new Map<string, number[]>();
    for (const key of next) {
      if (this.assigned.has(key)) continue;
      const { topic, partition } = splitKey(key);
      gained.set(topic, [...(gained.get(topic) ?? []), partition]);
    }
    const lost = [...this.assigned].filter((key) => !next.has(key));
    this.assigned = next;
    for (const key of lost) this.expected.delete(key);
    if (lost.length > 0) this.buffer = this.buffer.filter((r) => next.has(`${this.options.topicOf(r.topic)}:${r.partition}`));
    this.options.log.debug({ group: this.options.group, assignment: [...next] }, 'partitions assigned');
    if (gained.size === 0) return;
    this.lookups++;
    this.updateFlow();
    const { consumer, stream } = this;
    void this.startingOffsets(gained)
      .then((starts) => {
        if (this.stream !== stream) return;
        for (const [key, offset] of starts) {
          if (!this.assigned.has(key)) continue;
          stream?.offsetsToFetch.set(key, offset);
          this.expected.set(key, offset);
        }
      })
      .catch((error: Error) => consumer && this.recover(consumer, error))
      .finally(() => {
        this.lookups--;
        this.updateFlow();
      });
  }

  private onMessage(message: Strings): void {
    const key = `${message.topic}:${message.partition}`;
    const expected = this.expected.get(key);
    // Records of a partition no longer ours, or fetched again after a rebalance, are not handed out twice.
    if (expected === undefined || message.offset < expected || !this.assigned.has(key)) return;
    this.expected.set(key, message.offset + 1n);
    const headers: Record<string, string> = {};
    for (const [name, value] of message.headers) headers[name] = value ?? '';
    this.buffer.push({
      topic: this.logicalOf.get(message.topic)!,
      partition: message.partition,
      offset: String(message.offset),
      key: message.key ?? '',
      value: message.value ?? '',
      headers,
      timestamp: Number(message.timestamp),
    });
    if (this.buffer.length >= this.bufferRecords && !this.full) {
      this.full = true;
      this.updateFlow();
    }
    this.arrival.wake();
  }

  /** Fetching pauses while the buffer is full or a gained partition's start is being looked up. */
  private updateFlow(): void {
    const pause = this.full || this.lookups > 0;
    if (!this.stream || this.closed || pause === this.streamPaused) return;
    this.streamPaused = pause;
    if (pause) this.stream.pause();
    else this.stream.resume();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<ConsumedRecord[]> {
    assertPollArguments(maxRecords, timeoutMs, this.closed);
    if (this.buffer.length === 0 && timeoutMs > 0) await this.arrival.sleep(timeoutMs);
    const records = this.buffer.splice(0, maxRecords);
    for (const r of records) this.positions.set(`${this.options.topicOf(r.topic)}:${r.partition}`, BigInt(r.offset) + 1n);
    if (this.full && this.buffer.length < this.bufferRecords / 2) {
      this.full = false;
      this.updateFlow();
    }
    return records;
  }

  async commit(offsets: TopicPartitionOffset[]): Promise<void> {
    const physical = physicalOffsets(offsets, this.options.topicOf).map((entry) => ({ ...entry, offset: BigInt(entry.offset), leaderEpoch: -1 }));
    if (physical.length === 0) return;
    if (!this.consumer || this.recovering) throw new Error(`consumer group "${this.options.group}" is rejoining; nothing was committed`);
    await this.consumer.commit({ offsets: physical });
  }

  async lag(): Promise<Record<string, number>> {
    const { admin, group, topics, topicOf } = this.options;
    return platformaticGroupLag(admin, topicOf, group, topics);
  }

  async close(): Promise<void> {
    if (this.closed && !this.consumer) return;
    this.closed = true;
    this.arrival.wake();
    const { stream, consumer } = this;
    this.stream = undefined;
    this.consumer = undefined;
    await stream?.close().catch(() => undefined);
    await consumer?.close(true);
  }
}

function keysOf(assignments: GroupAssignment[]): Set<string> {
  return new Set(assignments.flatMap(({ topic, partitions }) => partitions.map((p) => `${topic}:${p}`)));
}

function splitKey(key: string): { topic: string; partition: number } {
  const at = key.lastIndexOf(':');
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) };
}
