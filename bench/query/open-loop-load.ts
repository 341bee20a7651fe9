import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

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
}

/**
 * Open-loop load: request i is due at start + i/qps whether or not earlier ones have answered,
 * and its latency runs from when it was due (so a stalled server is not flattered by a
 * generator that waits for it). Bounded by `qps × durationS` requests and `maxInFlight`.
 *
 * @example
 * const result = await runOpenLoop({ url: 'http://127.0.0.1:8080/v1/search', bodiesFile, qps: 200, durationS: 5, maxInFlight: 512 });
 */
export async function runOpenLoop(step: LoadStep): Promise<LoadResult> {
  const bodies = (JSON.parse(readFileSync(step.bodiesFile, 'utf8')) as string[]).map((b) => Buffer.from(b));
  const target = new URL(step.url);
  const agent = new Agent({ keepAlive: true, maxSockets: step.maxInFlight });
  const total = Math.max(1, Math.round(step.qps * step.durationS));
  const intervalMs = 1000 / step.qps;
  const latencies: number[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let firstError: string | undefined;
  let lastDone = 0;

  const send = (body: Buffer, dueAt: number) =>
    new Promise<void>((resolve) => {
      inFlight++;
      const finish = (error?: string) => {
        inFlight--;
        lastDone = performance.now();
        if (error === undefined) latencies.push(lastDone - dueAt);
        else {
          errors++;
          firstError ??= error;
        }
        resolve();
      };
      const req = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => finish(res.statusCode === 200 ? undefined : `HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
        },
      );
      req.on('error', (e) => finish(e.message));
      req.end(body);
    });

  const pending: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * intervalMs <= now) {
      if (inFlight >= step.maxInFlight) dropped++;
      else pending.push(send(bodies[next % bodies.length], start + next * intervalMs));
      next++;
    }
    const wait = start + next * intervalMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait - 0.5)));
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(pending);
  agent.destroy();

  latencies.sort((a, b) => a - b);
  const at = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] : NaN);
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    offeredQps: step.qps,
    achievedQps: round(latencies.length / ((lastDone - start) / 1000)),
    sent: total - dropped,
    ok: latencies.length,
    errors,
    dropped,
    p50Ms: round(at(0.5)),
    p95Ms: round(at(0.95)),
    p99Ms: round(at(0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    ...(firstError ? { firstError } : {}),
  };
}

if (process.argv[1]?.endsWith('open-loop-load.ts')) {
  const result = await runOpenLoop(JSON.parse(process.argv[2]) as LoadStep);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
