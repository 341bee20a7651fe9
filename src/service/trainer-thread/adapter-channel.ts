import type { MessagePort } from 'node:worker_threads';
import type { QueueConsumer } from '../../core/queue';
import type { VectorPayload, VectorPoint } from '../../core/vector-store';
import type { Logger } from '../../log/logger';
import type { Adapters } from '../create-adapters';
import { deserializeError, serializeError, type SerializedError } from './serialized-error';

/** Which object a call is for; `consumer` calls name the consumer by its handle. */
export type AdapterTarget = 'queue' | 'vectorStore' | 'modelStore' | 'consumer';

export interface AdapterRequest {
  id: number;
  target: AdapterTarget;
  method: string;
  args: unknown[];
  handle?: number;
}

export interface AdapterResponse {
  id: number;
  value?: unknown;
  error?: SerializedError;
}

/** Upserted points packed into one vector buffer, so a batch crosses the thread in one copy. */
export interface PackedPoints {
  ids: string[];
  payloads: VectorPayload[];
  dimension: number;
  vectors: Float32Array;
}

/** The calls a trainer makes; anything else is refused, so the channel is no general remote. */
const ALLOWED: Record<AdapterTarget, ReadonlySet<string>> = {
  queue: new Set(['init', 'publish', 'consumer', 'health', 'committedLag']),
  vectorStore: new Set(['createCollection', 'dropCollection', 'listCollections', 'upsert', 'delete', 'search', 'searchBatch', 'recommend', 'get', 'scroll', 'setAlias', 'resolveAlias', 'health']),
  modelStore: new Set(['put', 'get', 'onnx', 'checkpointDir', 'list', 'delete']),
  consumer: new Set(['poll', 'commit', 'lag', 'close']),
};

/**
 * Packs points for `postMessage`: a view (`subarray`) would otherwise clone its whole buffer.
 *
 * @example
 * const packed = packPoints(points); // then unpackPoints(packed) on the other side
 */
export function packPoints(points: VectorPoint[]): PackedPoints {
  const dimension = points[0]?.vector.length ?? 0;
  const vectors = new Float32Array(points.length * dimension);
  points.forEach((p, i) => {
    if (p.vector.length !== dimension) throw new TypeError(`points[${i}].vector: expected ${dimension} values, got ${p.vector.length}`);
    vectors.set(p.vector, i * dimension);
  });
  return { ids: points.map((p) => p.id), payloads: points.map((p) => p.payload), dimension, vectors };
}

export function unpackPoints(packed: PackedPoints): VectorPoint[] {
  const d = packed.dimension;
  return packed.ids.map((id, i) => ({ id, vector: packed.vectors.subarray(i * d, (i + 1) * d), payload: packed.payloads[i] }));
}

/**
 * Serves the queue, vector store and model store of this thread to a trainer in another thread
 * over `port`. The adapters stay single-owner: the API and the trainer share one embedded queue
 * (one writer per log file, 202 only once fsync'd) and one vector store instance, so the API's
 * reads see every write at once. Consumers the trainer opened are closed by `close()`, so a
 * crashed trainer never leaves its consumer group claimed.
 *
 * @example
 * const { port1, port2 } = new MessageChannel();
 * const host = serveAdapters(port1, adapters, log); // port2 goes to the trainer's worker
 * await host.close();
 */
export function serveAdapters(port: MessagePort, adapters: Pick<Adapters, 'queue' | 'vectorStore' | 'modelStore'>, log: Logger) {
  const consumers = new Map<number, QueueConsumer>();
  let nextHandle = 1;
  let closed = false;

  async function dispatch(request: AdapterRequest): Promise<unknown> {
    if (closed) throw new Error('the adapter channel is closed');
    if (!ALLOWED[request.target]?.has(request.method)) throw new TypeError(`method: ${request.target}.${request.method} is not served to the trainer`);
    const args = request.args;
    switch (request.target) {
      case 'queue': {
        if (request.method === 'consumer') {
          const consumer = await adapters.queue.consumer(args[0] as Parameters<Adapters['queue']['consumer']>[0]);
          if (closed) {
            await consumer.close();
            throw new Error('the adapter channel is closed');
          }
          consumers.set(nextHandle, consumer);
          return nextHandle++;
        }
        return call(adapters.queue, request.method, args);
      }
      case 'vectorStore':
        if (request.method === 'upsert') return adapters.vectorStore.upsert(args[0] as string, unpackPoints(args[1] as PackedPoints));
        return call(adapters.vectorStore, request.method, args);
      case 'modelStore':
        return call(adapters.modelStore, request.method, args);
      case 'consumer': {
        const consumer = consumers.get(request.handle ?? -1);
        if (!consumer) throw new Error(`handle: no open consumer ${request.handle}`);
        if (request.method === 'close') consumers.delete(request.handle!);
        return call(consumer, request.method, args);
      }
    }
  }

  port.on('message', (request: AdapterRequest) => {
    dispatch(request).then(
      (value) => reply({ id: request.id, value }),
      (error) => reply({ id: request.id, error: serializeError(error) }),
    );
  });

  function reply(response: AdapterResponse): void {
    if (closed) return;
    try {
      port.postMessage(response);
    } catch (error) {
      log.debug({ err: error }, 'could not answer the trainer (its thread has ended)');
    }
  }

  return {
    /** Consumers the trainer has open right now. */
    get openConsumers(): number {
      return consumers.size;
    },

    /** Stops serving and closes the trainer's consumers; the adapters themselves stay open. */
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      port.close();
      const open = [...consumers.values()];
      consumers.clear();
      await Promise.allSettled(open.map((c) => c.close()));
    },
  };
}

export type AdapterHost = ReturnType<typeof serveAdapters>;

function call(target: object, method: string, args: unknown[]): Promise<unknown> {
  return (target as Record<string, (...a: unknown[]) => Promise<unknown>>)[method](...args);
}

/**
 * The trainer's side of the channel: sends calls, resolves them with the answers.
 *
 * @example
 * const client = createAdapterClient(port);
 * const live = await client.call('vectorStore', 'resolveAlias', ['catalog']);
 */
export function createAdapterClient(port: MessagePort) {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  port.on('message', (response: AdapterResponse) => {
    const waiting = pending.get(response.id);
    if (!waiting) return;
    pending.delete(response.id);
    if (response.error) waiting.reject(deserializeError(response.error));
    else waiting.resolve(response.value);
  });
  port.on('close', () => {
    for (const waiting of pending.values()) waiting.reject(new Error('the adapter channel closed'));
    pending.clear();
  });
  return {
    call<T>(target: AdapterTarget, method: string, args: unknown[], handle?: number): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        port.postMessage({ id, target, method, args, ...(handle === undefined ? {} : { handle }) } satisfies AdapterRequest);
      });
    },
  };
}

export type AdapterClient = ReturnType<typeof createAdapterClient>;
