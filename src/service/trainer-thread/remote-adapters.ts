import type { ModelStore } from '../../core/model-store';
import type { Queue, QueueConsumer } from '../../core/queue';
import type { VectorStore } from '../../core/vector-store';
import type { Adapters } from '../create-adapters';
import { packPoints, type AdapterClient } from './adapter-channel';

/**
 * The Queue, VectorStore and ModelStore ports in a trainer's worker thread, each call answered
 * by the adapters the service's main thread owns (see `serveAdapters`). `close()` closes nothing:
 * the adapters belong to the main thread.
 *
 * @example
 * const adapters = remoteAdapters(createAdapterClient(workerData.port));
 * await runTrainerProcess(config, { adapters, handleSignals: false });
 */
export function remoteAdapters(client: AdapterClient): Adapters {
  const forward =
    <T>(target: 'queue' | 'vectorStore' | 'modelStore', method: string) =>
    (...args: unknown[]) =>
      client.call<T>(target, method, args);

  const queue: Queue = {
    init: forward('queue', 'init'),
    publish: forward('queue', 'publish'),
    health: forward('queue', 'health'),
    committedLag: forward('queue', 'committedLag'),
    async reader() {
      // A reader streams records across calls; the trainer reads through its consumer instead.
      throw new TypeError('queue.reader is not served to the trainer');
    },
    async consumer(options) {
      const handle = await client.call<number>('queue', 'consumer', [options]);
      const on =
        <T>(method: string) =>
        (...args: unknown[]) =>
          client.call<T>('consumer', method, args, handle);
      return { poll: on('poll'), commit: on('commit'), lag: on('lag'), close: on('close') } as QueueConsumer;
    },
    async close() {},
  };

  const vectorStore: VectorStore = {
    createCollection: forward('vectorStore', 'createCollection'),
    dropCollection: forward('vectorStore', 'dropCollection'),
    listCollections: forward('vectorStore', 'listCollections'),
    async upsert(collection, points) {
      if (points.length === 0) return;
      await client.call('vectorStore', 'upsert', [collection, packPoints(points)]);
    },
    delete: forward('vectorStore', 'delete'),
    search: forward('vectorStore', 'search'),
    get: forward('vectorStore', 'get'),
    scroll: forward('vectorStore', 'scroll'),
    searchBatch: forward('vectorStore', 'searchBatch'),
    recommend: forward('vectorStore', 'recommend'),
    setAlias: forward('vectorStore', 'setAlias'),
    resolveAlias: forward('vectorStore', 'resolveAlias'),
    health: forward('vectorStore', 'health'),
    async close() {},
  } as VectorStore;

  const modelStore = {
    put: forward('modelStore', 'put'),
    get: forward('modelStore', 'get'),
    onnx: forward('modelStore', 'onnx'),
    checkpointDir: forward('modelStore', 'checkpointDir'),
    list: forward('modelStore', 'list'),
    delete: forward('modelStore', 'delete'),
  } as ModelStore;

  return { queue, vectorStore, modelStore, async close() {} };
}
