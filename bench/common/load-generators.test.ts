import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runClosedLoop } from '../ingest/closed-loop-load';
import { runOpenLoop } from '../query/open-loop-load';
import { percentile } from './json-poster';

describe('load generators', () => {
  let server: Server;
  let base: string;
  let bodiesFile: string;
  const received: string[] = [];

  beforeAll(async () => {
    let answered = 0;
    // /search answers 200, except every 10th request (503); /ingest answers 202 with 3 events accepted.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString());
        answered++;
        if (req.url === '/search') res.writeHead(answered % 10 === 0 ? 503 : 200).end('{"hits":[]}');
        else if (req.url === '/chunked') {
          // No content-length: Node sends the answer in chunks, each write its own.
          res.writeHead(202);
          res.write('{"accepted"');
          setImmediate(() => res.end(':2}'));
        } else if (req.url === '/close') res.writeHead(202, { connection: 'close' }).end('{"accepted":1}');
        else res.writeHead(202).end('{"accepted":3}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bodiesFile = join(mkdtempSync(join(tmpdir(), 'load-')), 'bodies.json');
    writeFileSync(bodiesFile, JSON.stringify(['{"a":1}', '{"b":2}']));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('open loop: sends qps × duration requests in rotation, counting non-200 answers as errors', async () => {
    received.length = 0;
    const result = await runOpenLoop({ url: `${base}/search`, bodiesFile, qps: 100, durationS: 0.5, maxInFlight: 16 });
    expect(result.sent + result.dropped).toBe(50);
    expect(result.ok + result.errors).toBe(result.sent);
    expect(result.errors).toBe(Math.floor(result.sent / 10));
    expect(result.firstError).toMatch(/^HTTP 503/);
    expect(new Set(received)).toEqual(new Set(['{"a":1}', '{"b":2}']));
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
  });

  it('open loop: a stop signal ends the arrivals early, and every request sent is still answered', async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const started = performance.now();
    const result = await runOpenLoop({ url: `${base}/search`, bodiesFile, qps: 100, durationS: 60, maxInFlight: 16 }, stop.signal);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.sent + result.dropped).toBeGreaterThan(0);
    expect(result.sent + result.dropped).toBeLessThan(1000);
    expect(result.ok + result.errors).toBe(result.sent);
  });

  it('closed loop: sums the accepted events of 202 answers and reports connection failures', async () => {
    const result = await runClosedLoop({ url: `${base}/ingest`, bodiesFile, connections: 4, maxRequests: 40, durationS: 30 });
    expect(result).toMatchObject({ requests: 40, accepted: 40, acceptedEvents: 120, rejected: {} });
    const refused = await runClosedLoop({ url: 'http://127.0.0.1:1/ingest', bodiesFile, connections: 1, maxRequests: 3, durationS: 30 });
    expect(refused).toMatchObject({ requests: 3, accepted: 0, rejected: { error: 3 } });
    expect(refused.firstError).toMatch(/ECONNREFUSED/);
  });

  it('closed loop: reads chunked answers and reconnects when the server closes the connection', async () => {
    const chunked = await runClosedLoop({ url: `${base}/chunked`, bodiesFile, connections: 3, maxRequests: 30, durationS: 30 });
    expect(chunked).toMatchObject({ requests: 30, accepted: 30, acceptedEvents: 60, rejected: {} });
    const closing = await runClosedLoop({ url: `${base}/close`, bodiesFile, connections: 2, maxRequests: 20, durationS: 30 });
    expect(closing).toMatchObject({ requests: 20, accepted: 20, acceptedEvents: 20, rejected: {} });
  });

  it('percentile picks the nearest-rank value', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.99)).toBe(10);
    expect(percentile(sorted, 0.1)).toBe(1);
    expect(percentile([], 0.5)).toBeNaN();
  });
});
