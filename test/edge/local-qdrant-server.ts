import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalQdrantRequest {
  method: string;
  path: string;
  body: any;
}

export interface LocalQdrantServer {
  url: string;
  requests: LocalQdrantRequest[];
  close(): Promise<void>;
}

interface Point {
  id: string | number;
  vector: number[];
  payload: Record<string, unknown>;
}

interface Collection {
  size: number;
  distance: 'Cosine' | 'Dot' | 'Euclid';
  points: Map<string, Point>;
  schema: Record<string, { data_type: string }>;
}

type Condition = { key: string; match?: { value: unknown }; range?: { gte?: number; lte?: number } };

const SEARCH_KEYS = new Set(['vector', 'limit', 'filter', 'with_payload', 'with_vector', 'params', 'offset', 'score_threshold']);
const QUERY_KEYS = new Set(['query', 'limit', 'filter', 'with_payload', 'with_vector', 'params', 'offset', 'score_threshold']);
const SCROLL_KEYS = new Set(['filter', 'limit', 'offset', 'with_payload', 'with_vector', 'order_by']);

/**
 * A loopback server answering the part of Qdrant's REST API that discern's Qdrant adapter and
 * the edge's catalog use, with Qdrant's semantics for what they rely on: cosine collections
 * store normalised vectors and score by dot product, `must` filters match payload keys (dotted
 * paths reach nested ones), results are ranked exactly, aliases switch atomically. Requests with
 * unknown fields or vectors of the wrong dimension are refused with 400 as Qdrant refuses them.
 *
 * @example
 * const qdrant = await startLocalQdrantServer();
 * const store = createQdrantVectorStore({ url: qdrant.url });
 */
export async function startLocalQdrantServer(): Promise<LocalQdrantServer> {
  const requests: LocalQdrantRequest[] = [];
  const collections = new Map<string, Collection>();
  const aliases = new Map<string, string>();

  const ok = (result: unknown) => ({ status: 200, body: { result, status: 'ok', time: 0 } });
  const fail = (status: number, error: string) => ({ status, body: { status: { error }, time: 0 } });

  function unknownKeys(body: Record<string, unknown> | undefined, allowed: Set<string>): string | undefined {
    return Object.keys(body ?? {}).find((key) => !allowed.has(key));
  }

  function prepare(collection: Collection, vector: unknown): number[] | string {
    if (!Array.isArray(vector) || vector.some((v) => typeof v !== 'number')) return 'vector must be an array of numbers';
    if (vector.length !== collection.size) return `Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${vector.length}`;
    if (collection.distance !== 'Cosine') return vector;
    const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0)) || 1;
    return vector.map((v) => v / norm);
  }

  function matches(point: Point, filter: { must?: Condition[] } | undefined): boolean {
    for (const condition of filter?.must ?? []) {
      const value = condition.key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), point.payload);
      if (condition.match !== undefined && value !== condition.match.value) return false;
      if (condition.range !== undefined) {
        if (typeof value !== 'number') return false;
        if (condition.range.gte !== undefined && value < condition.range.gte) return false;
        if (condition.range.lte !== undefined && value > condition.range.lte) return false;
      }
    }
    return true;
  }

  function rank(collection: Collection, query: number[], limit: number, filter: { must?: Condition[] } | undefined, withPayload: boolean, withVector: boolean) {
    const scored: { point: Point; score: number }[] = [];
    for (const point of collection.points.values()) {
      if (!matches(point, filter)) continue;
      let score = 0;
      if (collection.distance === 'Euclid') {
        for (let j = 0; j < query.length; j++) score += (query[j] - point.vector[j]) ** 2;
        score = Math.sqrt(score);
      } else {
        for (let j = 0; j < query.length; j++) score += query[j] * point.vector[j];
      }
      scored.push({ point, score });
    }
    scored.sort((a, b) => (collection.distance === 'Euclid' ? a.score - b.score : b.score - a.score));
    return scored.slice(0, limit).map(({ point, score }) => ({
      id: point.id,
      version: 0,
      score,
      payload: withPayload ? point.payload : null,
      vector: withVector ? point.vector : null,
    }));
  }

  function route(method: string, path: string, body: any): { status: number; body: unknown } {
    if (method === 'GET' && path === '/') return { status: 200, body: { title: 'qdrant - vector search engine', version: '1.12.0' } };
    if (method === 'GET' && path === '/aliases') return ok({ aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) });
    if (method === 'GET' && path === '/collections') return ok({ collections: [...collections.keys()].map((name) => ({ name })) });
    if (method === 'POST' && path === '/collections/aliases') {
      const next = new Map(aliases);
      for (const action of body.actions) {
        if (action.delete_alias && !next.delete(action.delete_alias.alias_name)) return fail(404, `Alias ${action.delete_alias.alias_name} does not exist`);
        if (action.create_alias) {
          if (!collections.has(action.create_alias.collection_name)) return fail(404, `Collection ${action.create_alias.collection_name} not found`);
          next.set(action.create_alias.alias_name, action.create_alias.collection_name);
        }
      }
      aliases.clear();
      for (const [alias, target] of next) aliases.set(alias, target);
      return ok(true);
    }
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (match === null) return fail(404, `no route ${method} ${path}`);
    const name = decodeURIComponent(match[1]);
    const rest = match[2] ?? '';
    if (method === 'GET' && rest === '/exists') return ok({ exists: collections.has(name) || aliases.has(name) });
    if (method === 'PUT' && rest === '') {
      if (collections.has(name)) return fail(409, `Collection ${name} already exists`);
      collections.set(name, { size: body.vectors.size, distance: body.vectors.distance, points: new Map(), schema: {} });
      return ok(true);
    }
    if (method === 'DELETE' && rest === '') {
      const existed = collections.delete(name);
      for (const [alias, target] of aliases) if (target === name) aliases.delete(alias);
      return ok(existed);
    }
    const collection = collections.get(name) ?? collections.get(aliases.get(name) ?? '');
    if (collection === undefined) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
    const completed = ok({ operation_id: requests.length, status: 'completed' });
    if (method === 'GET' && rest === '') {
      return ok({ status: 'green', points_count: collection.points.size, payload_schema: collection.schema, config: { params: { vectors: { size: collection.size, distance: collection.distance } } } });
    }
    if (method === 'PUT' && rest === '/index') {
      collection.schema[body.field_name] = { data_type: body.field_schema };
      return completed;
    }
    if (method === 'PUT' && rest === '/points') {
      for (const point of body.points) {
        const vector = prepare(collection, point.vector);
        if (typeof vector === 'string') return fail(400, vector);
        collection.points.set(String(point.id), { id: point.id, vector, payload: point.payload ?? {} });
      }
      return completed;
    }
    if (method === 'POST' && rest === '/points/delete') {
      for (const id of body.points) collection.points.delete(String(id));
      return completed;
    }
    if (method === 'POST' && rest === '/points/count') return ok({ count: collection.points.size });
    if (method === 'POST' && rest === '/points') {
      const found = (body.ids as unknown[]).map((id) => collection.points.get(String(id))).filter((p): p is Point => p !== undefined);
      return ok(found.map((p) => ({ id: p.id, payload: body.with_payload ? p.payload : null, vector: body.with_vector ? p.vector : null })));
    }
    if (method === 'POST' && (rest === '/points/search' || rest === '/points/query')) {
      const allowed = rest === '/points/search' ? SEARCH_KEYS : QUERY_KEYS;
      const extra = unknownKeys(body, allowed);
      if (extra !== undefined) return fail(400, `Format error in JSON body: unknown field \`${extra}\``);
      if (!Number.isInteger(body.limit) || body.limit < 1) return fail(400, 'Validation error in JSON body: [limit: value must be a positive integer]');
      const vector = prepare(collection, rest === '/points/search' ? body.vector : body.query);
      if (typeof vector === 'string') return fail(400, vector);
      const hits = rank(collection, vector, body.limit, body.filter, body.with_payload === true, body.with_vector === true);
      return ok(rest === '/points/search' ? hits : { points: hits });
    }
    if (method === 'POST' && rest === '/points/scroll') {
      const extra = unknownKeys(body, SCROLL_KEYS);
      if (extra !== undefined) return fail(400, `Format error in JSON body: unknown field \`${extra}\``);
      const limit = body.limit ?? 10;
      const points = [...collection.points.values()].filter((p) => matches(p, body.filter)).slice(0, limit);
      return ok({
        points: points.map((p) => ({ id: p.id, payload: body.with_payload === false ? null : p.payload, vector: body.with_vector === true ? p.vector : null })),
        next_page_offset: null,
      });
    }
    return fail(404, `no route ${method} ${path}`);
  }

  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: unknown;
      try {
        body = text.length > 0 ? JSON.parse(text) : undefined;
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: { error: 'Format error in JSON body' } }));
        return;
      }
      const recorded = { method: req.method ?? 'GET', path: url.pathname, body };
      requests.push(recorded);
      const answer = route(recorded.method, recorded.path, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
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
