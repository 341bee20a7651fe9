import { availableParallelism } from 'node:os';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Config } from '../config/load-config';
import { ModelStoreError } from '../core/model-store';
import { VectorStoreError } from '../core/vector-store';
import { createLogger } from '../log/logger';
import { createReembedWorker } from '../reembed/reembed-worker';
import { UnknownModelVersionError } from '../core/model-catalog';
import { createOnnxModelRuntime } from '../serve/onnx-model-runtime';
import { createAdapters } from './create-adapters';

/**
 * `discern reembed`: a re-embed worker process. Takes shares of each new version's catalog from
 * the queue, embeds them with that version (onnxruntime-node, every core unless `ORT_THREADS`
 * says otherwise) read from the model store (`MODEL_STORE_URL` on another machine), and writes
 * them into the version's collection. SIGTERM/SIGINT: finishes the share in hand and exits 0; a
 * failure exits 1, its unfinished tasks going to the other workers.
 *
 * @example
 * await runReembedWorkerProcess(loadConfig());
 */
export async function runReembedWorkerProcess(config: Config) {
  const log = createLogger('reembed');
  if (config.queue.kind !== 'kafka') log.warn({ queue: config.queue.kind }, 're-embed workers in other processes need a shared queue (DISCERN_QUEUE=kafka)');
  const adapters = await createAdapters(config);
  const runtime = createOnnxModelRuntime(adapters.modelStore, { threads: process.env.ORT_THREADS ? Number(process.env.ORT_THREADS) : availableParallelism() });
  const statusPath = join(config.dataDir, 'reembed-status.json');
  let lastStatusAt = 0;
  // What a container healthcheck reads: a file the loop keeps fresh while it takes tasks.
  const writeStatus = async (phase: 'running' | 'stopped') => {
    lastStatusAt = Date.now();
    await writeFileAtomic(statusPath, JSON.stringify({ pid: process.pid, worker: worker.name, phase, ...worker.counters(), updatedAt: new Date().toISOString() }));
  };
  const worker = createReembedWorker({
    queue: adapters.queue,
    vectorStore: adapters.vectorStore,
    runtime,
    log,
    heartbeat: () => (Date.now() - lastStatusAt >= 5000 ? writeStatus('running') : undefined),
    // The version's collection or model was deleted: its publication was abandoned.
    isAbandoned: (error) =>
      (error instanceof VectorStoreError && error.code === 'not_found') ||
      error instanceof UnknownModelVersionError ||
      (error instanceof ModelStoreError && error.code === 'not_found'),
  });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await worker.stop();
        await writeStatus('stopped');
      } finally {
        await runtime.close();
        await adapters.close();
      }
    })());
  await mkdir(config.dataDir, { recursive: true });
  await worker.start();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // `on`, not `once`: signal-exit (loaded by write-file-atomic) re-raises signals it thinks unhandled.
    process.on(signal, () => {
      log.info({ signal, ...worker.counters() }, 'stopping re-embed worker');
      stop().then(
        () => process.exit(0),
        (error) => {
          log.error({ err: error }, 're-embed worker did not stop cleanly');
          process.exit(1);
        },
      );
    });
  }
  worker.done().catch(() => {
    void stop().finally(() => process.exit(1));
  });
  return { worker, stop };
}
