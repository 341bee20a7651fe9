import { parentPort, workerData } from 'node:worker_threads';
import { createLogger } from '../../log/logger';
import { lowerThreadPriority } from '../../os/lower-thread-priority';
import type { AnnBuildCommand, AnnBuildReport, AnnBuildWorkerData } from './ann-build-protocol';
import { AnnIndex } from './ann-index';
import { RecallAudit } from './recall-audit';
import { VectorTable } from './vector-table';

// The thread keeps its own copy of the collection's vectors (no payloads) and builds the graph
// over it, so the store's thread only copies rows over and, once asked, loads the finished file.
const data = workerData as AnnBuildWorkerData;
const log = createLogger('vector-store.ann-build');
const report = (message: AnnBuildReport) => parentPort!.postMessage(message);
/** Milliseconds of insertion between looks at the message queue. */
const SLICE_MS = 50;
const NO_PAYLOAD = {};

// usearch's inserting threads inherit the lower priority.
lowerThreadPriority(data.nice, log, 'index builder');
const table = new VectorTable(data.dimension);
const index = new AnnIndex(table, data.distance, data.config);
let scheduled = false;

parentPort!.on('message', (command: AnnBuildCommand) => {
  try {
    if (command.type === 'put') {
      const d = data.dimension;
      command.ids.forEach((id, i) => table.put(id, command.vectors.subarray(i * d, i * d + d), NO_PAYLOAD));
      index.touch(command.ids);
      schedule();
    } else if (command.type === 'remove') {
      for (const id of command.ids) table.remove(id);
      index.touch(command.ids);
      schedule();
    } else {
      finish(command.path);
    }
  } catch (error) {
    report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(step);
}

/** One slice of insertion, then a turn of the loop so that newer writes and `finish` get in. */
function step(): void {
  scheduled = false;
  try {
    const done = index.indexPending(SLICE_MS);
    report({ type: 'progress', indexed: index.indexed, pending: index.backlog });
    if (!done) schedule();
  } catch (error) {
    report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

function finish(path: string): void {
  const started = performance.now();
  while (!index.indexPending(1_000));
  const audit = new RecallAudit(table, data.distance, index, data.auditSamples);
  audit.step(data.auditSamples);
  const keys = index.save(path);
  log.debug({ points: index.indexed, recall: audit.recall, ms: Math.round(performance.now() - started) }, 'finished the approximate index');
  report({ type: 'finished', keys, recall: audit.recall, indexed: index.indexed });
}
