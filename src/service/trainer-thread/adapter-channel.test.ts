import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load-config';
import { VectorStoreError } from '../../core/vector-store';
import { createLogger } from '../../log/logger';
import { createAdapters, type Adapters } from '../create-adapters';
import { createAdapterClient, serveAdapters, type AdapterHost } from './adapter-channel';
import { remoteAdapters } from './remote-adapters';

describe('adapters served to the trainer over a message channel (embedded queue and store)', () => {
  let dir: string;
  let adapters: Adapters;
  let host: AdapterHost;
  let remote: Adapters;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discern-adapter-channel-'));
    adapters = await createAdapters(loadConfig({ DISCERN_DATA_DIR: dir }));
    await adapters.queue.init();
    const { port1, port2 } = new MessageChannel();
    host = serveAdapters(port1, adapters, createLogger('test'));
    remote = remoteAdapters(createAdapterClient(port2));
  });

  afterEach(async () => {
    await host.close();
    await adapters.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('consumes what the API published, commits, and reports lag through the channel', async () => {
    await adapters.queue.publish('items', [
      { key: 'a', value: '{"id":"a"}' },
      { key: 'b', value: '{"id":"b"}' },
    ]);
    const consumer = await remote.queue.consumer({ group: 'trainer', topics: ['items'] });
    const records = await consumer.poll(10, 1000);
    expect(records.map((r) => r.key)).toEqual(['a', 'b']);
    expect(await consumer.lag()).toEqual({ items: 2 });
    await consumer.commit([{ topic: 'items', partition: 0, offset: '2' }]);
    expect(await consumer.lag()).toEqual({ items: 0 });
    // An append by the API wakes the trainer's waiting poll.
    const waiting = consumer.poll(10, 5000);
    await adapters.queue.publish('items', [{ key: 'c', value: '{"id":"c"}' }]);
    expect((await waiting).map((r) => r.key)).toEqual(['c']);
    await remote.queue.publish('dead-letters', [{ key: 'c', value: '{"reason":"x"}' }]);
    await consumer.close();
    expect(host.openConsumers).toBe(0);
  });

  it('writes points the API reads at once, packed from views of one buffer', async () => {
    await remote.vectorStore.createCollection('catalog_v000001', { dimension: 3, distance: 'dot' });
    const all = Float32Array.from([1, 2, 3, 4, 5, 6]);
    await remote.vectorStore.upsert('catalog_v000001', [
      { id: 'x', vector: all.subarray(0, 3), payload: { label: 'left' } },
      { id: 'y', vector: all.subarray(3, 6), payload: {} },
    ]);
    await remote.vectorStore.setAlias('catalog', 'catalog_v000001');
    const x = await adapters.vectorStore.get('catalog', 'x');
    expect(Array.from(x!.vector)).toEqual([1, 2, 3]);
    expect(x!.payload).toEqual({ label: 'left' });
    expect(Array.from((await adapters.vectorStore.get('catalog', 'y'))!.vector)).toEqual([4, 5, 6]);
  });

  it("rebuilds the ports' errors on the trainer's side, so it can tell a conflict from a failure", async () => {
    await remote.vectorStore.createCollection('catalog_v000001', { dimension: 3, distance: 'cosine' });
    const error = await remote.vectorStore.createCollection('catalog_v000001', { dimension: 3, distance: 'cosine' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VectorStoreError);
    expect(error).toMatchObject({ code: 'conflict', field: 'name' });
    await expect(remote.queue.publish('nope' as 'items', [])).rejects.toBeInstanceOf(TypeError);
    expect(await remote.modelStore.get('v000001')).toBeUndefined();
  });

  it("closes a trainer's consumers when its channel closes, so a restarted trainer can consume again", async () => {
    await remote.queue.consumer({ group: 'trainer', topics: ['items', 'feedback'] });
    await expect(adapters.queue.consumer({ group: 'trainer', topics: ['items'] })).rejects.toThrow(/already has an open consumer/);
    await host.close();
    const again = await adapters.queue.consumer({ group: 'trainer', topics: ['items'] });
    await again.close();
  });
});
