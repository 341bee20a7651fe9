import { createJsonPoster, percentile, readBodies } from '../common/json-poster';

/** One load step, passed as JSON in argv[2]. */
export interface LoadStep {
  /** Full URL to POST to. */
  url: string;
  /** File holding a JSON array of request bodies (strings), sent in rotation. */
  bodiesFile: string;
  qps: number;
  durationS: number;
  /** Requests scheduled but refused because this many are already in flight. */
  maxInFlight: number;
  /** Return every latency (for percentiles over several steps). */
  keepLatencies?: boolean;
  /**
   * Run as a child until told to stop (a line on stdin, or stdin closed), `durationS` being only
   * the longest it may run: one uninterrupted arrival stream over a window of unknown length.
   */
  untilStopped?: boolean;
}

/** A load step running in the background until `stop()`. */
export interface RunningLoad {
  /** Ends the arrivals and resolves with the step's result once every sent request is answered. */
  stop(): Promise<LoadResult>;
}

export interface LoadResult {
  offeredQps: number;
  achievedQps: number;
  sent: number;
  ok: number;
  errors: number;
  /** Scheduled sends skipped because `maxInFlight` requests were outstanding. */
  dropped: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  firstError?: string;
  /** Every successful request's latency, ascending, when the step asked for them. */
  latenciesMs?: number[];
}

/**
 * Open-loop load: request i is due at start + i/qps whether or not earlier ones have answered,
 * and its latency runs from when it was due (so a stalled server is not flattered by a
 * generator that waits for it). Bounded by `qps × durationS` requests and `maxInFlight`; `stop`
 * ends the arrivals early (those sent are still awaited).
 *
 * @example
 * const result = await runOpenLoop({ url: 'http://127.0.0.1:8080/v1/search', bodiesFile, qps: 200, durationS: 5, maxInFlight: 512 });
 */
export async function runOpenLoop(step: LoadStep, stop?: AbortSignal): Promise<LoadResult> {
  const bodies = readBodies(step.bodiesFile);
  const poster = createJsonPoster(step.url, step.maxInFlight);
  const total = Math.max(1, Math.round(step.qps * step.durationS));
  const intervalMs = 1000 / step.qps;
  const latencies: number[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let firstError: string | undefined;
  let lastDone = 0;

  const send = async (body: Buffer, dueAt: number) => {
    inFlight++;
    const { status, text } = await poster.post(body);
    inFlight--;
    lastDone = performance.now();
    if (status === 200) latencies.push(lastDone - dueAt);
    else {
      errors++;
      firstError ??= status === 0 ? text : `HTTP ${status}: ${text.slice(0, 200)}`;
    }
  };

  const pending: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  while (next < total && !stop?.aborted) {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) {
      if (inFlight >= step.maxInFlight) dropped++;
      else pending.push(send(bodies[next % bodies.length], start + next * intervalMs));
      next++;
    }
    const wait = start + next * intervalMs - performance.now();
    if (stop?.aborted) break;
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait - 0.5)));
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  poster.close();

  latencies.sort((a, b) => a - b);
  const at = (p: number) => percentile(latencies, p);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    offeredQps: step.qps,
    achievedQps: round(latencies.length / ((lastDone - start) / 1000)),
    sent: next - dropped,
    ok: latencies.length,
    errors,
    dropped,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    ...(firstError ? { firstError } : {}),
    ...(step.keepLatencies ? { latenciesMs: latencies.map(round) } : {}),
  };
}

if (process.argv[1]?.endsWith('open-loop-load.ts')) {
  const step = JSON.parse(process.argv[2]) as LoadStep;
  const stop = new AbortController();
  if (step.untilStopped) {
    process.stdin.on('data', () => stop.abort());
    process.stdin.on('end', () => stop.abort());
    // The parent's window opens with this line, not with the child's start-up.
    process.stdout.write(`${JSON.stringify({ started: true })}\n`);
  }
  const result = await runOpenLoop(step, stop.signal);
  if (step.untilStopped) process.stdin.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
