import {
  VectorStoreError,
  type AttributeValue,
  type CollectionSpec,
  type VectorPayload,
  type VectorPoint,
} from '../core/vector-store';
import { attributesProblems, labelProblem, pointIdProblem } from '../core/payload-rules';

/** Collection and alias names double as directory names in the embedded store. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Vectors are stored as float32: a larger magnitude would become Infinity. */
const FLOAT32_MAX = 3.4028234663852886e38;
export const MAX_K = 10_000;
/** Thumbnails are small previews: 64 KiB of base64 is far more than a 64×64 PNG needs. */
const MAX_THUMBNAIL_CHARS = 65_536;
/** Largest page `scroll` returns. */
export const MAX_SCROLL_LIMIT = 1000;

/** An `invalid_argument` error whose message starts with the field it names. */
export function invalid(field: string, message: string): VectorStoreError {
  return new VectorStoreError(`${field}: ${message}`, 'invalid_argument', field);
}

/**
 * Checks a collection or alias name (letters, digits, `_`, `.`, `-`; at most 128 characters).
 *
 * @example
 * assertName('catalog_v000012', 'collection');
 */
export function assertName(name: unknown, field: string): asserts name is string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw invalid(field, `must match ${NAME_PATTERN} (got ${JSON.stringify(name)})`);
  }
}

/**
 * Checks a collection spec: a positive integer dimension and a known distance.
 *
 * @example
 * assertSpec({ dimension: 128, distance: 'cosine' });
 */
export function assertSpec(spec: CollectionSpec): void {
  if (!spec || typeof spec !== 'object') throw invalid('spec', 'must be an object');
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > 65_536) {
    throw invalid('spec.dimension', `must be an integer in [1, 65536] (got ${spec.dimension})`);
  }
  if (spec.distance !== 'cosine' && spec.distance !== 'dot' && spec.distance !== 'euclid') {
    throw invalid('spec.distance', `must be one of cosine, dot, euclid (got ${JSON.stringify(spec.distance)})`);
  }
}

/**
 * Checks a vector's length and that every component is a finite float32 number.
 *
 * @example
 * assertVector(query, 128, 'vector');
 */
export function assertVector(vector: unknown, dimension: number | undefined, field: string): asserts vector is Float32Array | number[] {
  if (!(vector instanceof Float32Array) && !Array.isArray(vector)) {
    throw invalid(field, 'must be a Float32Array or an array of numbers');
  }
  if (dimension !== undefined && vector.length !== dimension) {
    throw invalid(field, `expected dimension ${dimension}, got ${vector.length}`);
  }
  if (vector.length === 0) throw invalid(field, 'must not be empty');
  for (let i = 0; i < vector.length; i++) {
    const x = vector[i];
    if (typeof x !== 'number' || !(Math.abs(x) <= FLOAT32_MAX)) {
      throw invalid(`${field}[${i}]`, `must be a finite number within the float32 range ±3.4e38 (got ${String(x)})`);
    }
  }
}

/**
 * Checks a point id against the shared payload rules (a non-empty string of at most 1024 UTF-8 bytes).
 *
 * @example
 * assertId('item-42', 'id');
 */
export function assertId(id: unknown, field: string): asserts id is string {
  const problem = pointIdProblem(id);
  if (problem) throw invalid(field, problem);
}

function assertAttributes(attributes: unknown, field: string): asserts attributes is Record<string, AttributeValue> {
  const [problem] = attributesProblems(attributes);
  if (problem) throw invalid(problem.path === undefined ? field : `${field}.${problem.path}`, problem.message);
}

function assertPayload(payload: unknown, field: string): asserts payload is VectorPayload {
  if (payload === null || typeof payload !== 'object') throw invalid(field, 'must be an object');
  const { label, attributes, thumbnail } = payload as VectorPayload;
  const problem = label === undefined ? undefined : labelProblem(label);
  if (problem) throw invalid(`${field}.label`, problem);
  if (thumbnail !== undefined && (typeof thumbnail !== 'string' || thumbnail.length > MAX_THUMBNAIL_CHARS)) {
    throw invalid(`${field}.thumbnail`, `must be a base64 string of at most ${MAX_THUMBNAIL_CHARS} characters`);
  }
  if (attributes !== undefined) assertAttributes(attributes, `${field}.attributes`);
}

/**
 * Checks a batch of points before anything is written, so a bad point rejects the whole batch.
 *
 * @example
 * assertPoints(points, 128); // throws VectorStoreError naming e.g. `points[3].vector`
 */
export function assertPoints(points: unknown, dimension: number): asserts points is VectorPoint[] {
  if (!Array.isArray(points)) throw invalid('points', 'must be an array');
  points.forEach((point: VectorPoint, i) => {
    if (point === null || typeof point !== 'object') throw invalid(`points[${i}]`, 'must be an object');
    assertId(point.id, `points[${i}].id`);
    assertVector(point.vector, dimension, `points[${i}].vector`);
    assertPayload(point.payload ?? {}, `points[${i}].payload`);
  });
}

/**
 * Checks a list of ids to delete.
 *
 * @example
 * assertIds(['a', 'b']);
 */
export function assertIds(ids: unknown): asserts ids is string[] {
  if (!Array.isArray(ids)) throw invalid('ids', 'must be an array');
  ids.forEach((id, i) => assertId(id, `ids[${i}]`));
}

/**
 * A payload with only the known fields, copied so later caller mutations cannot leak in.
 *
 * @example
 * normalisePayload({ label: 'shoe', extra: 1 }); // { label: 'shoe' }
 */
export function normalisePayload(payload: VectorPayload | undefined): VectorPayload {
  const out: VectorPayload = {};
  if (payload?.label !== undefined) out.label = payload.label;
  if (payload?.attributes !== undefined) out.attributes = { ...payload.attributes };
  if (payload?.thumbnail !== undefined) out.thumbnail = payload.thumbnail;
  return out;
}

