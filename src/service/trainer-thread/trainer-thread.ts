import { MessageChannel, SHARE_ENV, Worker } from 'node:worker_threads';
import type { Config } from '../../config/load-config';
import type { Logger } from '../../log/logger';
import type { Adapters } from '../create-adapters';
import { serveAdapters } from './adapter-channel';
import type { TrainerCommand, TrainerReport } from './trainer-report';
import type { TrainerWorkerData } from './trainer-worker';

export interface TrainerThreadOptions {
  config: Config;
  /** The main thread's adapters, served to the trainer. */
  adapters: Pick<Adapters, 'queue' | 'vectorStore' | 'modelStore'>;
  log: Logger;
  /** How often the trainer reports (default 1 s). */
  heartbeatMs?: number;
}

/** How a trainer's thread ended: exit code 0 after a requested stop. */
export interface TrainerThreadExit {
  code: number;
  /** Why, when it failed. */
  error?: string;
}

/**
 * One run of the online trainer in a worker thread of this process, at lower priority, with its
 * queue, vector store and model store calls answered by this thread's adapters. Training steps
 * and re-embedding (onnxruntime runs synchronously on its caller's thread) then never block the
 * API's event loop.
 *
 * @example
 * const thread = startTrainerThread({ config, adapters, log });
 * thread.onReport((report) => console.log(report.type));
 * console.log(await thread.exited);
 */
export function startTrainerThread(options: TrainerThreadOptions) {
  const { port1, port2 } = new MessageChannel();
  const host = serveAdapters(port1, options.adapters, options.log);
  const workerData: TrainerWorkerData = {
    config: options.config,
    adapters: port2,
    nice: options.config.trainerSupervision.nice,
    heartbeatMs: options.heartbeatMs ?? 1000,
  };
  // From the sources the worker registers tsx first; the build (`npm run build`) ships it as a module.
  const entry = import.meta.url.endsWith('.ts') ? new URL('./trainer-worker-bootstrap.mjs', import.meta.url) : new URL('./trainer-worker.js', import.meta.url);
  const worker = new Worker(entry, {
    workerData,
    transferList: [port2],
    // Native libraries the trainer loads (TensorFlow) read settings from the process environment,
    // which a worker's own copy of process.env never reaches.
    env: SHARE_ENV,
  });
  return trainerRunOf(worker, () => host.close());
}

/**
 * A worker that speaks the trainer's protocol (`TrainerReport` out, `TrainerCommand` in), as a
 * run the supervisor can watch, stop and end; `cleanup` runs once the thread has exited.
 *
 * @example
 * const run = trainerRunOf(new Worker(entry, { workerData }), () => host.close());
 */
export function trainerRunOf(worker: Worker, cleanup: () => Promise<void> = async () => {}) {
  const listeners: ((report: TrainerReport) => void)[] = [];
  let failure: string | undefined;
  worker.on('message', (report: TrainerReport) => {
    if (report.type === 'failed') failure ??= report.error.code ? `${report.error.message} (${report.error.code})` : report.error.message;
    for (const listener of listeners) listener(report);
  });
  worker.on('error', (error) => {
    failure ??= error.message;
  });
  const exited: Promise<TrainerThreadExit> = new Promise((resolve) => {
    worker.once('exit', (code) => {
      void cleanup()
        .catch(() => undefined)
        .finally(() => resolve(code === 0 && failure === undefined ? { code } : { code: code || 1, error: failure ?? `trainer thread exited with code ${code}` }));
    });
  });

  return {
    startedAt: Date.now(),
    /** Calls `listener` with every report (started, heartbeats, failed, stopped). */
    onReport(listener: (report: TrainerReport) => void): void {
      listeners.push(listener);
    },
    exited,
    /** Asks the trainer to checkpoint and stop; ends the thread after `graceMs` regardless. */
    async stop(graceMs = 60_000): Promise<TrainerThreadExit> {
      worker.postMessage({ type: 'stop' } satisfies TrainerCommand);
      const timer = setTimeout(() => void worker.terminate(), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    /** Ends the thread at once (a hung trainer); it restarts from its last checkpoint. */
    async terminate(reason: string): Promise<TrainerThreadExit> {
      failure ??= reason;
      await worker.terminate();
      return exited;
    },
  };
}

export type TrainerThread = ReturnType<typeof trainerRunOf>;
