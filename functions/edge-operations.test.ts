import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { edgeLog } from './src/log';
import { buildEdge, edgeBundleSize, WORKER_SIZE_LIMITS } from './build';
import { startEdgeServer } from './serve';
import { closedPort } from '../test/support/closed-port';

type EdgeServer = Awaited<ReturnType<typeof startEdgeServer>>;

async function search(edge: EdgeServer) {
  const response = await fetch(`${edge.url}/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ itemId: 'x', k: 3 }) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as { error: { code: string; message: string } } };
}

describe('edge functions with their dependencies unreachable', () => {
  const edges: EdgeServer[] = [];
  let dead: string;

  beforeAll(async () => {
    dead = `http://127.0.0.1:${await closedPort()}`;
  });
  afterAll(async () => {
    for (const edge of edges) await edge.close();
  });

  it.each([
    ['the Node service', 'DISCERN_API_URL'],
    ['Qdrant', 'QDRANT_URL'],
  ])('answers 503 with Retry-After, not 500, when %s is unreachable', async (_, binding) => {
    const edge = await startEdgeServer({ port: 0, bindings: { [binding]: dead, MODEL_BASE_URL: dead } });
    edges.push(edge);
    const answer = await search(edge);
    expect(answer.status, JSON.stringify(answer.body)).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body.error.code).toBe('unavailable');
    expect(answer.body.error.message).toMatch(/unreachable/);
  });
});

describe('edgeLog', () => {
  it("writes the service's log format: numeric level, ISO time, component, msg", () => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    try {
      edgeLog('error', 'unhandled error', { path: '/v1/search' });
    } finally {
      spy.mockRestore();
    }
    const entry = JSON.parse(lines[0]);
    expect(entry).toMatchObject({ level: 50, component: 'edge', path: '/v1/search', msg: 'unhandled error' });
    expect(new Date(entry.time).toISOString()).toBe(entry.time);
  });
});

describe('edge bundle size', () => {
  it('fits the Workers Paid plan limit after compression; the ORT wasm is most of it', async () => {
    const built = await buildEdge();
    const size = edgeBundleSize(built);
    expect(size.gzipBytes).toBeLessThan(WORKER_SIZE_LIMITS.paid);
    const wasm = size.files['ort-wasm-simd-threaded.wasm'];
    const worker = size.files['worker.mjs'];
    // The worker's own code stays a small fraction of the runtime it carries.
    expect(worker.gzipBytes).toBeLessThan(wasm.gzipBytes / 10);
  });
});
