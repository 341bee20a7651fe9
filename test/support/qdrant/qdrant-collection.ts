import { matchesFilter, type QdrantFilter } from './point-filter';

export type QdrantDistance = 'Cosine' | 'Dot' | 'Euclid';
export type QdrantPointId = string | number;

export interface StoredPoint {
  id: QdrantPointId;
  vector: number[];
  payload: Record<string, unknown>;
}

export interface QdrantCollection {
  size: number;
  distance: QdrantDistance;
  points: Map<string, StoredPoint>;
  schema: Record<string, { data_type: string }>;
}

export interface ScoredPoint {
  id: QdrantPointId;
  version: number;
  score: number;
  payload: Record<string, unknown> | null;
  vector: number[] | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A point id as Qdrant accepts it (an unsigned integer or a UUID, kept in lower case), or why not.
 *
 * @example
 * pointId('F268803B-B5A1-5C7C-933C-FBCE99D70BD9'); // 'f268803b-b5a1-5c7c-933c-fbce99d70bd9'
 */
export function pointId(id: unknown): QdrantPointId | Error {
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  if (typeof id === 'string' && UUID.test(id)) return id.toLowerCase();
  return new Error(`Format error in JSON body: value ${JSON.stringify(id)} is not a valid point ID, valid values are either an unsigned integer or a UUID`);
}

/**
 * The vector Qdrant keeps for `vector` in this collection, or why it is refused: cosine
 * collections keep it normalised, so their dot product is the cosine.
 *
 * @example
 * storedVector({ size: 2, distance: 'Cosine', ... }, [3, 4]); // [0.6, 0.8]
 */
export function storedVector(collection: QdrantCollection, vector: unknown): number[] | Error {
  if (!Array.isArray(vector) || vector.some((v) => typeof v !== 'number')) return new Error('Format error in JSON body: vector must be an array of numbers');
  if (vector.length !== collection.size) return new Error(`Wrong input: Vector dimension error: expected dim: ${collection.size}, got ${vector.length}`);
  if (collection.distance !== 'Cosine') return vector;
  const norm = Math.sqrt(vector.reduce((s, v) => s + v * v, 0)) || 1;
  return vector.map((v) => v / norm);
}

export interface RankOptions {
  limit: number;
  /** Best hits to skip first. */
  offset?: number;
  filter?: QdrantFilter;
  /** Point ids left out (a recommendation's examples). */
  exclude?: ReadonlySet<string>;
  /** Scores must beat it: a similarity above it, or for Euclid a distance below it. */
  scoreThreshold?: number;
  withPayload: boolean;
  withVector: boolean;
}

/**
 * The exact top `limit` points matching `filter`: highest dot product first, or for Euclid the
 * smallest distance first, its score being that distance.
 *
 * @example
 * rankPoints(collection, storedQuery, { limit: 10, withPayload: true, withVector: false });
 */
export function rankPoints(collection: QdrantCollection, query: number[], options: RankOptions): ScoredPoint[] {
  const euclid = collection.distance === 'Euclid';
  const scored: { point: StoredPoint; score: number }[] = [];
  for (const point of collection.points.values()) {
    if (options.exclude?.has(String(point.id)) || !matchesFilter(point.payload, options.filter)) continue;
    let score = 0;
    for (let j = 0; j < query.length; j++) score += euclid ? (query[j] - point.vector[j]) ** 2 : query[j] * point.vector[j];
    if (euclid) score = Math.sqrt(score);
    // Qdrant keeps only scores strictly better than the threshold.
    const threshold = options.scoreThreshold;
    if (threshold !== undefined && (euclid ? score >= threshold : score <= threshold)) continue;
    scored.push({ point, score });
  }
  scored.sort((a, b) => (euclid ? a.score - b.score : b.score - a.score));
  const offset = options.offset ?? 0;
  return scored.slice(offset, offset + options.limit).map(({ point, score }) => ({
    id: point.id,
    version: 0,
    score,
    payload: options.withPayload ? point.payload : null,
    vector: options.withVector ? point.vector : null,
  }));
}

/**
 * Points matching `filter` in Qdrant's scroll order: integer ids ascending, then UUIDs ascending
 * (their hyphenated lower-case text sorts as their 128-bit value does).
 *
 * @example
 * scrollOrder(collection, { must: [{ key: 'id', match: { value: 'item-7' } }] });
 */
export function scrollOrder(collection: QdrantCollection, filter: QdrantFilter | undefined): StoredPoint[] {
  return [...collection.points.values()].filter((point) => matchesFilter(point.payload, filter)).sort((a, b) => compareIds(a.id, b.id));
}

/** Qdrant's order of point ids: integers before UUIDs, each ascending. */
export function compareIds(a: QdrantPointId, b: QdrantPointId): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
