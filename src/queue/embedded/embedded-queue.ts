import type { OutgoingRecord, Queue, QueueConsumer, QueueConsumerOptions, QueueHealth, TopicName, TopicReader } from '../../core/queue';
import { QueueUnavailableError } from '../../core/queue';
import { createLogger } from '../../log/logger';
import { WriteDeadlineError } from '../group-commit';
import { stalledWriteHealth, writeOptionsOf, type WriteOptions } from '../write-options';
import { assertConsumerOptions, assertOutgoingRecords, assertTopicName, trackOpenConsumer } from '../topics';
import { EmbeddedConsumer } from './embedded-consumer';
import { EmbeddedStore } from './embedded-store';
import { embeddedGroupLag } from './embedded-group-lag';
import { openEmbeddedTopicReader } from './embedded-topic-reader';
import { partitionForKey } from './partition-for-key';
import type { StoredRecord } from './partition-log';

export interface EmbeddedQueueOptions extends WriteOptions {
  /** Directory holding the logs and committed offsets (created if missing). */
  dir: string;
  /** Partitions per topic when a topic is first created (default 1). */
  partitions?: number;
}

/**
 * The `Queue` port on local disk for a single process: one fsync'd append-only log per topic
 * partition, consumer-group offsets in atomically replaced files. Publishes resolve once on
 * disk; concurrent publishes share one write and one fsync (group commit, with a linger of
 * `lingerMs`). A publish not durable within `writeDeadlineMs` rejects with
 * `QueueUnavailableError`, and `health()` reports the stalled write until it finishes; records
 * whose write had begun may still land in the log afterwards.
 *
 * @example
 * const queue = createEmbeddedQueue({ dir: '/data/queue', partitions: 2 });
 * await queue.init();
 * await queue.publish('items', [{ key: 'item-1', value: '{"id":"item-1"}' }]);
 */
export function createEmbeddedQueue(options: EmbeddedQueueOptions): Queue {
  if (typeof options?.dir !== 'string' || options.dir === '') throw new TypeError('dir: expected a directory path');
  const partitions = options.partitions ?? 1;
  if (!Number.isInteger(partitions) || partitions < 1) throw new TypeError(`partitions: expected a positive integer, got ${partitions}`);
  const { writeDeadlineMs, lingerMs } = writeOptionsOf(options);
  const log = createLogger('queue.embedded');
  let store: Promise<EmbeddedStore> | undefined;
  let closed = false;
  const consumers = new Set<QueueConsumer | TopicReader>();

  function opened(): Promise<EmbeddedStore> {
    if (closed) return Promise.reject(new QueueUnavailableError('queue is closed'));
    store ??= EmbeddedStore.acquire(options.dir, partitions, log, { lingerMs }).catch((error) => {
      store = undefined;
      throw error;
    });
    return store;
  }

  return {
    async init() {
      await opened();
    },

    async publish(topic: TopicName, records: OutgoingRecord[]) {
      assertTopicName(topic, 'topic');
      assertOutgoingRecords(records);
      if (records.length === 0) return;
      const s = await opened();
      const timestamp = Date.now();
      const byPartition = new Map<number, StoredRecord[]>();
      for (const r of records) {
        const p = partitionForKey(r.key, s.partitionCount(topic));
        let list = byPartition.get(p);
        if (!list) byPartition.set(p, (list = []));
        list.push({ key: r.key, value: r.value, headers: r.headers ?? {}, timestamp });
      }
      try {
        await Promise.all([...byPartition].map(([p, list]) => s.logOf(topic, p).append(list, { deadlineMs: writeDeadlineMs })));
      } catch (error) {
        if (error instanceof WriteDeadlineError) {
          log.warn({ topic, records: records.length, mayStillLand: error.mayStillLand }, 'publish missed its write deadline');
          throw new QueueUnavailableError(`embedded queue did not store the records in time: ${error.message}`, Math.max(1, Math.ceil(writeDeadlineMs / 1000)), { cause: error });
        }
        throw new QueueUnavailableError(`embedded queue could not store records: ${(error as Error).message}`, 5, { cause: error });
      }
    },

    async consumer(consumerOptions: QueueConsumerOptions) {
      assertConsumerOptions(consumerOptions);
      return trackOpenConsumer(consumers, await EmbeddedConsumer.open(await opened(), consumerOptions));
    },

    async reader(topic: TopicName) {
      assertTopicName(topic, 'topic');
      return trackOpenConsumer(consumers, await openEmbeddedTopicReader(await opened(), topic));
    },

    async committedLag(group: string, topics: TopicName[]) {
      assertConsumerOptions({ group, topics });
      return embeddedGroupLag(await opened(), group, topics);
    },

    async health(): Promise<QueueHealth> {
      try {
        const s = await opened();
        return stalledWriteHealth(s.pendingWriteMs(), writeDeadlineMs) ?? { ok: true };
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const consumer of [...consumers]) await consumer.close();
      if (store) await (await store.catch(() => undefined))?.release();
    },
  };
}
