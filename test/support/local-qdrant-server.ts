import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createQdrantRouter, fail, type QdrantAnswer } from './qdrant/qdrant-routes';

export interface RecordedQdrantRequest {
  method: string;
  path: string;
  /** Query-string parameters, e.g. `{ wait: 'true' }`. */
  query: Record<string, string>;
  /** The parsed JSON body; undefined when there was none. */
  body: any;
}

export interface LocalQdrantServer {
  /** e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Every request received, in arrival order, injected failures included. */
  requests: RecordedQdrantRequest[];
  /** Requests with this method whose path equals `path` (or matches it), in arrival order. */
  find(method: string, path: string | RegExp): RecordedQdrantRequest[];
  /** The next `times` requests whose path matches `path` are answered `status` without being served. */
  failNext(path: RegExp, status: number, times: number): void;
  close(): Promise<void>;
}

/**
 * A loopback server answering the part of Qdrant's REST API that discern's Qdrant adapter and
 * the edge's catalog use, with Qdrant's semantics for what they rely on: cosine collections
 * keep normalised vectors and score by dot product, Dot scores by dot product, Euclid scores by
 * distance (closest first); results are ranked exactly (`limit`, `offset`, and `score_threshold`
 * kept only when strictly beaten); `must` filters match payload keys exactly, by match-any or by
 * numeric range (dotted keys reach nested ones); `recommend` queries with the `average_vector`
 * strategy (2·mean(positive) − mean(negative) of stored vectors, examples left out, a missing
 * example a 404) and `/points/query/batch`; scroll pages in point-id order; names resolve through aliases, and one alias call's
 * actions apply atomically. Like Qdrant it refuses a collection that already exists (409),
 * unknown fields in search, query and scroll bodies, point ids that are neither unsigned
 * integers nor UUIDs, and vectors of the wrong dimension (400), and a missing collection (404).
 * Every request is recorded, and failures can be injected.
 *
 * It does not imitate: approximate (HNSW) search, quantization (accepted, scored exactly), other
 * recommendation strategies, named or sparse vectors, `should` / `must_not`
 * filters, prefetch and fusion queries, scroll `order_by`, payload indexes changing anything but
 * the reported schema, snapshots, sharding, or authentication (an `api-key` header is ignored).
 *
 * @example
 * const qdrant = await startLocalQdrantServer();
 * const store = createQdrantVectorStore({ url: qdrant.url });
 * qdrant.failNext(/\/points$/, 503, 2); // the next two upserts fail as an overloaded server's would
 */
export async function startLocalQdrantServer(): Promise<LocalQdrantServer> {
  const requests: RecordedQdrantRequest[] = [];
  const failures: { path: RegExp; status: number; times: number }[] = [];
  const { route } = createQdrantRouter();

  function answer(request: RecordedQdrantRequest): QdrantAnswer {
    const failure = failures.find((f) => f.times > 0 && f.path.test(request.path));
    if (failure !== undefined) {
      failure.times--;
      return fail(failure.status, 'injected failure');
    }
    try {
      return route(request.method, request.path, request.body);
    } catch (error) {
      // A body missing what the route reads is one Qdrant would not have parsed.
      return fail(400, `Format error in JSON body: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: unknown;
      let parsed = true;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        parsed = false;
      }
      const request: RecordedQdrantRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
      requests.push(request);
      const reply = parsed ? answer(request) : fail(400, 'Format error in JSON body: not valid JSON');
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    find: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    failNext: (path, status, times) => void failures.push({ path, status, times }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
