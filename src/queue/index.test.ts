import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config';
import { createQueue, queueFromConfig } from './index';

describe('createQueue', () => {
  it('builds an embedded queue that stores its logs in the given directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-queue-index-'));
    try {
      const queue = createQueue({ kind: 'embedded', dir, partitions: 2 });
      await queue.init();
      await queue.publish('items', [{ key: 'k', value: '{}' }]);
      await queue.close();
      const sizes = await Promise.all([0, 1].map((p) => stat(join(dir, 'items', `${p}.log`)).then((s) => s.size)));
      expect(sizes.filter((s) => s > 0)).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the field for an unknown kind or bad options', () => {
    expect(() => createQueue({ kind: 'redis' } as never)).toThrow(/kind/);
    expect(() => createQueue({ kind: 'kafka', brokers: [], clientId: 'x' })).toThrow(/brokers/);
    expect(() => createQueue({ kind: 'kafka', brokers: ['h:1'], clientId: 'x', topicPrefix: 'a b' })).toThrow(/topicPrefix/);
    expect(() => createQueue({ kind: 'kafka', client: 'platformatic', brokers: [], clientId: 'x' })).toThrow(/brokers/);
    expect(() => createQueue({ kind: 'kafka', client: 'platformatic', brokers: ['h:1'], clientId: 'x', partitions: 0 })).toThrow(/partitions/);
    expect(() => createQueue({ kind: 'kafka', client: 'rdkafka' as never, brokers: ['h:1'], clientId: 'x' })).toThrow(/client: expected one of kafkajs, platformatic/);
    expect(() => createQueue({ kind: 'embedded', dir: '' })).toThrow(/dir/);
    expect(() => createQueue({ kind: 'embedded', dir: '/tmp/x', partitions: 0 })).toThrow(/partitions/);
  });

  it('reports how many partitions a full replay names: Kafka its partition count, the embedded log none', async () => {
    const kafka = createQueue({ kind: 'kafka', brokers: ['127.0.0.1:1'], clientId: 'x', partitions: 4 });
    expect(kafka.replayPartitions).toBe(4);
    await kafka.close();
    expect(createQueue({ kind: 'embedded', dir: '/tmp/unused', partitions: 2 }).replayPartitions).toBeUndefined();
  });

  it('builds the queue the settings name, with the setting it connects through', async () => {
    const env = { DISCERN_QUEUE: 'kafka', KAFKA_BROKERS: '127.0.0.1:1,127.0.0.1:2', KAFKA_PARTITIONS: '5' };
    const { queue, connectsTo } = queueFromConfig(loadConfig(env), {});
    expect(connectsTo).toEqual({ setting: 'KAFKA_BROKERS', value: '127.0.0.1:1,127.0.0.1:2' });
    expect(queue.replayPartitions).toBe(5);
    await queue.close();
    const dataDir = await mkdtemp(join(tmpdir(), 'discern-queue-index-'));
    try {
      const embedded = queueFromConfig(loadConfig({ DISCERN_QUEUE: 'embedded', DISCERN_DATA_DIR: dataDir }), {});
      expect(embedded.connectsTo).toBeUndefined();
      await embedded.queue.init();
      await embedded.queue.close();
      expect((await stat(join(dataDir, 'queue'))).isDirectory()).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
