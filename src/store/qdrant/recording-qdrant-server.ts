import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface RecordingQdrantServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests whose method and path match, in arrival order. */
  find(method: string, path: string | RegExp): RecordedRequest[];
  /** The next `times` requests matching `path` fail with `status`. */
  failNext(path: RegExp, status: number, times: number): void;
  close(): Promise<void>;
}

interface StoredPoint {
  id: string;
  vector: number[];
  payload: Record<string, unknown>;
}

/**
 * A local HTTP server speaking just enough of Qdrant's REST API to exercise a client's request
 * building: it records every request, keeps collections, points and aliases in memory, and
 * answers queries by returning the stored points in insertion order with made-up scores. It does
 * not rank, filter or validate like Qdrant; tests assert on the recorded requests.
 *
 * @example
 * const server = await startRecordingQdrantServer();
 * const store = createQdrantVectorStore({ url: server.url });
 */
export async function startRecordingQdrantServer(): Promise<RecordingQdrantServer> {
  const requests: RecordedRequest[] = [];
  const failures: { path: RegExp; status: number; times: number }[] = [];
  const collections = new Map<string, { size: number; distance: string; points: Map<string, StoredPoint>; schema: Record<string, unknown> }>();
  const aliases = new Map<string, string>();

  function reply(result: unknown, status = 200) {
    return { status, body: status === 200 ? { result, status: 'ok', time: 0 } : { status: { error: String(result) }, time: 0 } };
  }

  function route(method: string, path: string, body: any): { status: number; body: unknown } {
    if (method === 'GET' && path === '/') return { status: 200, body: { title: 'qdrant - vector search engine', version: 'recording' } };
    if (method === 'GET' && path === '/aliases') {
      return reply({ aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) });
    }
    if (method === 'POST' && path === '/collections/aliases') {
      for (const action of body.actions) {
        if (action.delete_alias) {
          if (!aliases.has(action.delete_alias.alias_name)) return reply('Alias does not exist', 404);
          aliases.delete(action.delete_alias.alias_name);
        }
        if (action.create_alias) {
          if (!collections.has(action.create_alias.collection_name)) return reply('Collection not found', 404);
          aliases.set(action.create_alias.alias_name, action.create_alias.collection_name);
        }
      }
      return reply(true);
    }
    if (method === 'GET' && path === '/collections') return reply({ collections: [...collections.keys()].map((name) => ({ name })) });
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (match === null) return reply('no such route', 404);
    const name = decodeURIComponent(match[1]);
    const rest = match[2] ?? '';
    const collection = collections.get(name) ?? collections.get(aliases.get(name) ?? '');
    if (method === 'GET' && rest === '/exists') return reply({ exists: collections.has(name) });
    if (method === 'PUT' && rest === '') {
      collections.set(name, { size: body.vectors.size, distance: body.vectors.distance, points: new Map(), schema: {} });
      return reply(true);
    }
    if (method === 'DELETE' && rest === '') {
      const existed = collections.delete(name);
      for (const [alias, target] of aliases) if (target === name) aliases.delete(alias);
      return reply(existed);
    }
    if (collection === undefined) return reply(`Collection ${name} not found`, 404);
    const completed = reply({ operation_id: requests.length, status: 'completed' });
    if (method === 'GET' && rest === '') {
      return reply({ status: 'green', points_count: collection.points.size, payload_schema: collection.schema, config: { params: { vectors: { size: collection.size, distance: collection.distance } } } });
    }
    if (method === 'PUT' && rest === '/index') {
      collection.schema[body.field_name] = { data_type: body.field_schema };
      return completed;
    }
    if (method === 'PUT' && rest === '/points') {
      for (const point of body.points) collection.points.set(String(point.id), point);
      return completed;
    }
    if (method === 'POST' && rest === '/points/delete') {
      for (const id of body.points) collection.points.delete(String(id));
      return completed;
    }
    if (method === 'POST' && rest === '/points/count') return reply({ count: collection.points.size });
    if (method === 'POST' && rest === '/points') {
      const found = body.ids.map((id: string) => collection.points.get(String(id))).filter(Boolean);
      return reply(found.map((p: StoredPoint) => ({ id: p.id, payload: body.with_payload ? p.payload : undefined, vector: body.with_vector ? p.vector : undefined })));
    }
    if (method === 'POST' && rest === '/points/query') {
      const points = [...collection.points.values()].slice(0, body.limit).map((p, i) => ({ id: p.id, version: 0, score: 1 - i / 10, payload: p.payload }));
      return reply({ points });
    }
    return reply(`unhandled ${method} ${path}`, 404);
  }

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = text.length > 0 ? JSON.parse(text) : undefined;
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), body };
      requests.push(recorded);
      const failure = failures.find((f) => f.times > 0 && f.path.test(url.pathname));
      let answer: { status: number; body: unknown };
      if (failure !== undefined) {
        failure.times--;
        answer = reply('injected failure', failure.status);
      } else {
        answer = route(recorded.method, recorded.path, body);
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    find: (method, path) => requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))),
    failNext: (path, status, times) => failures.push({ path, status, times }),
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
