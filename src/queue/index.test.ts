import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createQueue } from './index';

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
});
