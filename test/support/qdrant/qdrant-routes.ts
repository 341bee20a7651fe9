import { filterProblem, type QdrantFilter } from './point-filter';
import { compareIds, pointId, rankPoints, scrollOrder, storedVector, type QdrantCollection, type QdrantDistance } from './qdrant-collection';

export interface QdrantAnswer {
  status: number;
  body: unknown;
}

const DISTANCES = new Set<QdrantDistance>(['Cosine', 'Dot', 'Euclid']);
const SEARCH_KEYS = new Set(['vector', 'limit', 'filter', 'with_payload', 'with_vector', 'params', 'offset', 'score_threshold']);
const QUERY_KEYS = new Set(['query', 'limit', 'filter', 'with_payload', 'with_vector', 'params', 'offset', 'score_threshold']);
// `order_by` is left out: its ordering is not imitated, so it is refused rather than ignored.
const SCROLL_KEYS = new Set(['filter', 'limit', 'offset', 'with_payload', 'with_vector']);

/** Qdrant's success envelope. */
export const ok = (result: unknown): QdrantAnswer => ({ status: 200, body: { result, status: 'ok', time: 0 } });
/** Qdrant's error envelope. */
export const fail = (status: number, error: string): QdrantAnswer => ({ status, body: { status: { error }, time: 0 } });

/**
 * In-memory collections, points and aliases behind a router for Qdrant's REST paths
 * (`route('PUT', '/collections/c/points', body)`), answering as Qdrant does for the calls
 * discern makes. A body Qdrant would not parse makes `route` throw.
 *
 * @example
 * const { route } = createQdrantRouter();
 * route('PUT', '/collections/c', { vectors: { size: 4, distance: 'Cosine' } }); // { status: 200, ... }
 */
export function createQdrantRouter(): { route(method: string, path: string, body: any): QdrantAnswer } {
  const collections = new Map<string, QdrantCollection>();
  const aliases = new Map<string, string>();
  let operations = 0;
  const completed = () => ok({ operation_id: operations++, status: 'completed' });

  function updateAliases(actions: any[]): QdrantAnswer {
    // All actions of one call apply together or not at all.
    const next = new Map(aliases);
    for (const action of actions) {
      if (action.delete_alias && !next.delete(action.delete_alias.alias_name)) return fail(404, `Not found: Alias ${action.delete_alias.alias_name} does not exist`);
      if (action.create_alias) {
        const { alias_name, collection_name } = action.create_alias;
        if (!collections.has(collection_name)) return fail(404, `Not found: Collection \`${collection_name}\` doesn't exist!`);
        next.set(alias_name, collection_name);
      }
    }
    aliases.clear();
    for (const [alias, target] of next) aliases.set(alias, target);
    return ok(true);
  }

  function createCollection(name: string, body: any): QdrantAnswer {
    if (collections.has(name)) return fail(409, `Wrong input: Collection \`${name}\` already exists!`);
    if (aliases.has(name)) return fail(400, `Wrong input: Can't create collection with name ${name}. Alias with the same name already exists`);
    const { size, distance } = body.vectors;
    if (!Number.isInteger(size) || size < 0) return fail(400, `Format error in JSON body: vectors.size: invalid value: ${JSON.stringify(size)}, expected usize`);
    if (size < 1 || size > 65536) return fail(422, `Validation error in JSON body: [vectors.size: value ${size} invalid, must be from 1 to 65536]`);
    if (!DISTANCES.has(distance)) return fail(400, `Format error in JSON body: vectors.distance: unknown variant \`${distance}\``);
    collections.set(name, { size, distance, points: new Map(), schema: {} });
    return ok(true);
  }

  function upsert(collection: QdrantCollection, points: any[]): QdrantAnswer {
    const accepted = [];
    for (const point of points) {
      const id = pointId(point.id);
      if (id instanceof Error) return fail(400, id.message);
      const vector = storedVector(collection, point.vector);
      if (vector instanceof Error) return fail(400, vector.message);
      accepted.push({ id, vector, payload: point.payload ?? {} });
    }
    for (const point of accepted) collection.points.set(String(point.id), point);
    return completed();
  }

  /** A query's vector: a plain vector, or a recommendation's `average_vector` of stored examples (left out of the results). */
  function queryTarget(collection: QdrantCollection, query: any): { vector: unknown; exclude?: Set<string> } | QdrantAnswer {
    if (query === null || typeof query !== 'object' || Array.isArray(query) || query.recommend === undefined) return { vector: query };
    const { positive = [], negative = [], strategy = 'average_vector', ...extra } = query.recommend;
    if (Object.keys(extra).length > 0) return fail(400, `Format error in JSON body: unknown field \`${Object.keys(extra)[0]}\``);
    if (strategy !== 'average_vector') return fail(400, `strategy ${strategy} is not imitated`);
    if (positive.length + negative.length === 0) return fail(422, 'Validation error in JSON body: [internal.query.recommend.positives, negatives: At least one positive or negative vector/id must be provided]');
    const stored = (ids: unknown[]) => {
      const vectors: number[][] = [];
      for (const raw of ids) {
        const id = pointId(raw);
        if (id instanceof Error) return fail(400, id.message);
        const point = collection.points.get(String(id));
        if (point === undefined) return fail(404, `Not found: No point with id ${id} found`);
        vectors.push(point.vector);
      }
      return vectors;
    };
    const pos = stored(positive);
    if (!Array.isArray(pos)) return pos;
    const neg = stored(negative);
    if (!Array.isArray(neg)) return neg;
    const mean = (vs: number[][]) => Array.from({ length: collection.size }, (_, j) => vs.reduce((sum, v) => sum + v[j], 0) / vs.length);
    // Qdrant's average_vector: avg_pos + avg_pos - avg_neg, or avg_pos alone.
    const avgPos = mean(pos);
    const avgNeg = neg.length > 0 ? mean(neg) : undefined;
    const vector = avgNeg === undefined ? avgPos : avgPos.map((x, j) => 2 * x - avgNeg[j]);
    return { vector, exclude: new Set([...positive, ...negative].map((raw) => String(pointId(raw)))) };
  }

  function search(collection: QdrantCollection, body: any, keys: Set<string>, target: { vector: unknown; exclude?: Set<string> } | QdrantAnswer) {
    const extra = Object.keys(body ?? {}).find((key) => !keys.has(key));
    if (extra !== undefined) return fail(400, `Format error in JSON body: unknown field \`${extra}\``);
    if (body.limit === undefined) return fail(400, 'Format error in JSON body: missing field `limit`');
    if (!Number.isInteger(body.limit) || body.limit < 0) return fail(400, `Format error in JSON body: invalid value: ${JSON.stringify(body.limit)}, expected usize`);
    if (body.limit === 0) return fail(422, 'Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]');
    const malformed = filterProblem(body.filter);
    if (malformed !== undefined) return fail(400, `Format error in JSON body: ${malformed}`);
    if (!('vector' in target)) return target;
    const query = storedVector(collection, target.vector);
    if (query instanceof Error) return fail(400, query.message);
    return rankPoints(collection, query, {
      limit: body.limit,
      offset: body.offset ?? undefined,
      filter: body.filter ?? undefined,
      exclude: target.exclude,
      scoreThreshold: body.score_threshold ?? undefined,
      withPayload: body.with_payload === true,
      withVector: body.with_vector === true,
    });
  }

  function batch(collection: QdrantCollection, body: any): QdrantAnswer {
    if (!Array.isArray(body?.searches)) return fail(400, 'Format error in JSON body: missing field `searches`');
    const answers = [];
    for (const one of body.searches) {
      const hits = search(collection, one, QUERY_KEYS, queryTarget(collection, one?.query));
      if (!Array.isArray(hits)) return hits;
      answers.push({ points: hits });
    }
    return ok(answers);
  }

  function scroll(collection: QdrantCollection, body: any): QdrantAnswer {
    const extra = Object.keys(body ?? {}).find((key) => !SCROLL_KEYS.has(key));
    if (extra !== undefined) return fail(400, `Format error in JSON body: unknown field \`${extra}\``);
    const limit: number = body.limit ?? 10;
    const ordered = scrollOrder(collection, body.filter as QdrantFilter | undefined);
    // A page starts at the `offset` point itself, or at the first point after it when it is gone.
    const offset = body.offset === undefined || body.offset === null ? undefined : pointId(body.offset);
    if (offset instanceof Error) return fail(400, offset.message);
    const after = offset === undefined ? 0 : ordered.findIndex((p) => compareIds(p.id, offset) >= 0);
    const from = after === -1 ? ordered.length : after;
    const page = ordered.slice(from, from + limit);
    return ok({
      points: page.map((p) => ({ id: p.id, payload: body.with_payload === false ? null : p.payload, vector: body.with_vector === true ? p.vector : null })),
      next_page_offset: ordered[from + limit]?.id ?? null,
    });
  }

  function pointsRoute(method: string, rest: string, collection: QdrantCollection, body: any): QdrantAnswer {
    if (method === 'GET' && rest === '') {
      return ok({ status: 'green', points_count: collection.points.size, payload_schema: collection.schema, config: { params: { vectors: { size: collection.size, distance: collection.distance } } } });
    }
    if (method === 'PUT' && rest === '/index') {
      collection.schema[body.field_name] = { data_type: body.field_schema };
      return completed();
    }
    if (method === 'PUT' && rest === '/points') return upsert(collection, body.points);
    if (method === 'POST' && rest === '/points/delete') {
      for (const id of body.points) collection.points.delete(String(pointId(id)));
      return completed();
    }
    if (method === 'POST' && rest === '/points/count') {
      return ok({ count: scrollOrder(collection, body?.filter).length });
    }
    if (method === 'POST' && rest === '/points') {
      const found = (body.ids as unknown[]).map((id) => collection.points.get(String(pointId(id)))).filter((p) => p !== undefined);
      return ok(found.map((p) => ({ id: p.id, payload: body.with_payload ? p.payload : null, vector: body.with_vector ? p.vector : null })));
    }
    if (method === 'POST' && rest === '/points/search') {
      const hits = search(collection, body, SEARCH_KEYS, { vector: body?.vector });
      return Array.isArray(hits) ? ok(hits) : hits;
    }
    if (method === 'POST' && rest === '/points/query') {
      const hits = search(collection, body, QUERY_KEYS, queryTarget(collection, body?.query));
      return Array.isArray(hits) ? ok({ points: hits }) : hits;
    }
    if (method === 'POST' && rest === '/points/query/batch') return batch(collection, body);
    if (method === 'POST' && rest === '/points/scroll') return scroll(collection, body);
    return fail(404, `no route ${method} /collections/…${rest}`);
  }

  function route(method: string, path: string, body: any): QdrantAnswer {
    if (method === 'GET' && path === '/') return { status: 200, body: { title: 'qdrant - vector search engine', version: '1.12.0' } };
    if (method === 'GET' && path === '/aliases') return ok({ aliases: [...aliases].map(([alias_name, collection_name]) => ({ alias_name, collection_name })) });
    if (method === 'GET' && path === '/collections') return ok({ collections: [...collections.keys()].map((name) => ({ name })) });
    if (method === 'POST' && path === '/collections/aliases') return updateAliases(body.actions);
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (match === null) return fail(404, `no route ${method} ${path}`);
    const name = decodeURIComponent(match[1]);
    const rest = match[2] ?? '';
    if (method === 'PUT' && rest === '') return createCollection(name, body);
    if (method === 'DELETE' && rest === '') {
      const existed = collections.delete(name);
      for (const [alias, target] of aliases) if (target === name) aliases.delete(alias);
      return ok(existed);
    }
    // Qdrant looks a name up among aliases first, then among collections.
    const collection = collections.get(aliases.get(name) ?? name);
    if (method === 'GET' && rest === '/exists') return ok({ exists: collection !== undefined });
    if (collection === undefined) return fail(404, `Not found: Collection \`${name}\` doesn't exist!`);
    return pointsRoute(method, rest, collection, body);
  }

  return { route };
}
