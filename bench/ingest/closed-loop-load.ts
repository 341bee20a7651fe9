import { openKeepAliveConnection, postRequestBytes } from '../common/keep-alive-connection';
import { percentile, readBodies } from '../common/json-poster';

/** One load step, passed as JSON in argv[2]. */
export interface ClosedLoopStep {
  /** Full URL to POST to. */
  url: string;
  /** File holding a JSON array of request bodies (strings), sent in rotation. */
  bodiesFile: string;
  /** Keep-alive connections, each with one request outstanding at a time. */
  connections: number;
  /** Stop after this many requests in all… */
  maxRequests: number;
  /** …or once this many seconds have passed, whichever comes first. */
  durationS: number;
}

export interface ClosedLoopResult {
  requests: number;
  /** Requests answered 202. */
  accepted: number;
  /** Events the 202 answers said were accepted (their `accepted` fields summed). */
  acceptedEvents: number;
  /** Answers other than 202, by status (`error` for a failed connection). */
  rejected: Record<string, number>;
  elapsedS: number;
  /** Accepted events per wall-clock second. */
  eventsPerSecond: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Request body size, KiB (mean over the rotation). */
  bodyKiB: number;
  /** CPU seconds this generator used (the machine's other load, beside the server's). */
  generatorCpuS: number;
  firstError?: string;
}

/**
 * Closed-loop load: `connections` keep-alive connections each send the next request as soon as
 * the previous one answered, until `maxRequests` or `durationS` is reached. This measures the
 * most a server accepts with that many requests in flight; latency runs from send to the end of
 * the answer. Requests are sent as prebuilt bytes and answers read by a minimal parser, so the
 * generator costs a fraction of what the server it measures spends per request (Node's own HTTP
 * client cost about as much as the server, on the cores both share).
 *
 * @example
 * const result = await runClosedLoop({ url: 'http://127.0.0.1:8080/v1/feedback', bodiesFile, connections: 4, maxRequests: 2000, durationS: 5 });
 */
export async function runClosedLoop(step: ClosedLoopStep): Promise<ClosedLoopResult> {
  const bodies = readBodies(step.bodiesFile);
  const url = new URL(step.url);
  const requests = bodies.map((body) => postRequestBytes(url, body));
  const connections = Array.from({ length: step.connections }, () => openKeepAliveConnection(url));
  const latencies: number[] = [];
  const rejected: Record<string, number> = {};
  let accepted = 0;
  let acceptedEvents = 0;
  let sent = 0;
  let firstError: string | undefined;

  const post = async (connection: (typeof connections)[number], request: Buffer) => {
    const started = performance.now();
    const { status, text } = await connection.send(request);
    if (status === 0) {
      rejected.error = (rejected.error ?? 0) + 1;
      firstError ??= text;
      return;
    }
    latencies.push(performance.now() - started);
    if (status !== 202) {
      rejected[String(status)] = (rejected[String(status)] ?? 0) + 1;
      firstError ??= `HTTP ${status}: ${text.slice(0, 300)}`;
      return;
    }
    accepted++;
    acceptedEvents += (JSON.parse(text) as { accepted: number }).accepted;
  };

  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const deadline = start + step.durationS * 1000;
  await Promise.all(
    connections.map(async (connection) => {
      while (sent < step.maxRequests && performance.now() < deadline) await post(connection, requests[sent++ % requests.length]);
    }),
  );
  const elapsedS = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  for (const connection of connections) connection.close();

  latencies.sort((a, b) => a - b);
  const at = (p: number) => percentile(latencies, p);
  const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;
  return {
    requests: sent,
    accepted,
    acceptedEvents,
    rejected,
    elapsedS: round(elapsedS),
    eventsPerSecond: Math.round(acceptedEvents / elapsedS),
    requestsPerSecond: round(sent / elapsedS),
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    maxMs: round(latencies.at(-1) ?? NaN),
    bodyKiB: round(bodies.reduce((n, b) => n + b.length, 0) / bodies.length / 1024),
    generatorCpuS: round((cpu.user + cpu.system) / 1e6, 3),
    ...(firstError ? { firstError } : {}),
  };
}

if (process.argv[1]?.endsWith('closed-loop-load.ts')) {
  const result = await runClosedLoop(JSON.parse(process.argv[2]) as ClosedLoopStep);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
