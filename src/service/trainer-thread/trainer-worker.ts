import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Config } from '../../config/load-config';
import { createLogger } from '../../log/logger';
import { lowerThreadPriority } from '../../os/lower-thread-priority';
import { runTrainerProcess, type RunningTrainer } from '../run-trainer';
import { createAdapterClient } from './adapter-channel';
import { remoteAdapters } from './remote-adapters';
import { serializeError } from './serialized-error';
import type { TrainerCommand, TrainerReport, TrainerSnapshot } from './trainer-report';

/** What the supervising thread hands the trainer's worker. */
export interface TrainerWorkerData {
  config: Config;
  /** The adapter channel (see `serveAdapters`). */
  adapters: MessagePort;
  /** Niceness of this thread (0: as the API). */
  nice: number;
  heartbeatMs: number;
}

/** How long a failed trainer gets to close its consumer before its thread ends anyway. */
const STOP_AFTER_FAILURE_MS = 10_000;
const LAG_TIMEOUT_MS = 1000;

const data = workerData as TrainerWorkerData;
const log = createLogger('trainer');
const report = (message: TrainerReport) => parentPort!.postMessage(message);

const trainerTid = lowerThreadPriority(data.nice, log, 'trainer thread');
if (trainerTid !== undefined) log.info({ nice: data.nice, tid: trainerTid }, 'trainer thread runs at lower priority');
const adapters = remoteAdapters(createAdapterClient(data.adapters));
let running: RunningTrainer | undefined;
let ending = false;
let lastLag: Record<string, number> | undefined;

// The heartbeat runs on this thread's event loop: when a step blocks it, or the thread dies, the
// supervisor sees the heartbeat age grow.
const heartbeat = setInterval(() => void beat(), data.heartbeatMs);
void beat();

parentPort!.on('message', (command: TrainerCommand) => {
  if (command.type === 'stop') void end(0);
});

try {
  running = await runTrainerProcess(data.config, { adapters, handleSignals: false, serveMetrics: false });
  report({ type: 'started' });
  running.trainer.done().then(
    () => undefined,
    (error) => fail(error),
  );
} catch (error) {
  fail(error);
}

async function beat(): Promise<void> {
  const trainer = running?.trainer;
  let snapshot: TrainerSnapshot | undefined;
  if (trainer) {
    const status = trainer.metrics();
    const liveness = trainer.liveness();
    snapshot = {
      phase: status.phase,
      modelVersion: status.modelVersion,
      lastPublicationAt: liveness.lastPublicationAt,
      checkpointAt: status.checkpoint?.savedAt,
      loopAt: liveness.loopAt,
      lag: lastLag,
      error: status.error,
    };
    void withTimeout(trainer.lag(), LAG_TIMEOUT_MS).then(
      (lag) => (lastLag = lag),
      () => undefined,
    );
  }
  const metrics = trainer ? await trainer.registry.getMetricsAsJSON() : [];
  if (!ending || snapshot) report({ type: 'heartbeat', snapshot, metrics });
}

function fail(error: unknown): void {
  log.error({ err: error }, 'trainer failed; its thread ends and the service restarts it');
  report({ type: 'failed', error: serializeError(error) });
  void end(1);
}

async function end(code: number): Promise<void> {
  if (ending) return;
  ending = true;
  clearInterval(heartbeat);
  try {
    await withTimeout(running?.stop() ?? Promise.resolve(), code === 0 ? 60_000 : STOP_AFTER_FAILURE_MS);
  } catch (error) {
    log.warn({ err: error }, 'trainer did not stop cleanly');
    code = code || 1;
  }
  if (code === 0) report({ type: 'stopped' });
  process.exit(code);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
