import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'torch_reference.py');

/** One timed PyTorch run of the recipe's network, batch and loss. */
export interface TorchReferenceRun {
  samplesPerS: number;
  /** Samples per second of CPU time the Python process used (all its threads); null if it used none. */
  samplesPerCpuS: number | null;
  /** CPU time the Python process used over the timed steps. */
  cpuSeconds: number;
  steps: number;
  seconds: number;
  batch: number;
  threads: number;
  torch: string;
  pytorchMetricLearning: string;
  firstLoss: number;
  lastLoss: number;
}

export type TorchReferenceResult = { ok: true; run: TorchReferenceRun } | { ok: false; reason: string };

export interface TorchReferenceOptions {
  /** Classes per batch. */
  p: number;
  /** Items per class. */
  q: number;
  seconds: number;
  /** Threads PyTorch may use. */
  threads: number;
  /** Interpreter (default `python3`). */
  python?: string;
  /** Flags for the interpreter before the script (e.g. `['-S']`). */
  pythonArgs?: string[];
}

/**
 * Times the default recipe's network (no-BN CNN 16-32-64, flattened, 128 hidden, 64-d) with
 * multi-similarity loss + miner and Adam in PyTorch (pytorch-metric-learning), on the same
 * 28×28 images, in a child `python3`. An optional reference only: when python3, torch or
 * pytorch-metric-learning is missing it says so instead of failing.
 *
 * @example
 * const r = await runTorchReference({ images, labels }, { p: 5, q: 32, seconds: 10, threads: 2 });
 * if (r.ok) console.log(r.run.samplesPerS);
 */
export async function runTorchReference(data: { images: Uint8Array; labels: Int32Array }, options: TorchReferenceOptions): Promise<TorchReferenceResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'discern-torch-reference-'));
  try {
    const images = path.join(dir, 'images.u8');
    const labels = path.join(dir, 'labels.i32');
    await writeFile(images, data.images);
    await writeFile(labels, new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength));
    const args = [...(options.pythonArgs ?? []), script, images, labels, '--p', String(options.p), '--q', String(options.q), '--seconds', String(options.seconds), '--threads', String(options.threads)];
    let stdout: string;
    try {
      ({ stdout } = await run(options.python ?? 'python3', args, { timeout: (options.seconds + 120) * 1000, maxBuffer: 1 << 20 }));
    } catch (error) {
      const failed = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (failed.code === 'ENOENT') return { ok: false, reason: `${options.python ?? 'python3'} not found` };
      const reported = lastJson(failed.stdout ?? '');
      if (reported && typeof reported.error === 'string') return { ok: false, reason: reported.error };
      return { ok: false, reason: `reference run failed: ${(failed.stderr ?? failed.message).trim().split('\n').slice(-1)[0]}` };
    }
    const result = lastJson(stdout);
    if (!result || typeof result.samplesPerS !== 'number') return { ok: false, reason: `reference run printed no result: ${stdout.slice(-200)}` };
    return { ok: true, run: result as unknown as TorchReferenceRun };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function lastJson(text: string): Record<string, unknown> | undefined {
  const line = text.trim().split('\n').pop();
  if (!line) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
