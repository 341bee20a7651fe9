import type { AttributeCondition, AttributeValue, RangeCondition, SearchFilter, VectorPayload } from '../core/vector-store';

/** Payload key holding the caller's string id (Qdrant point ids are UUIDs). */
export const ID_KEY = 'id';

/** What a point's payload looks like inside Qdrant. */
export interface QdrantPayload {
  [ID_KEY]: string;
  label?: string;
  attributes?: Record<string, AttributeValue>;
  thumbnail?: string;
}

/**
 * The payload stored in Qdrant for a point: its original id, label and attributes (nested, so
 * filters and indexes address them as `attributes.<name>`).
 *
 * @example
 * toQdrantPayload('item-1', { label: 'shoe' }); // { id: 'item-1', label: 'shoe' }
 */
export function toQdrantPayload(id: string, payload: VectorPayload): QdrantPayload {
  const out: QdrantPayload = { [ID_KEY]: id };
  if (payload.label !== undefined) out.label = payload.label;
  if (payload.attributes !== undefined) out.attributes = { ...payload.attributes };
  if (payload.thumbnail !== undefined) out.thumbnail = payload.thumbnail;
  return out;
}

/**
 * Splits a stored Qdrant payload back into the original id and the port's payload.
 *
 * @example
 * fromQdrantPayload({ id: 'item-1', label: 'shoe' }); // { id: 'item-1', payload: { label: 'shoe' } }
 */
export function fromQdrantPayload(stored: Record<string, unknown> | null | undefined): { id: string; payload: VectorPayload } {
  const payload: VectorPayload = {};
  if (typeof stored?.label === 'string') payload.label = stored.label;
  if (stored?.attributes && typeof stored.attributes === 'object') payload.attributes = { ...(stored.attributes as Record<string, AttributeValue>) };
  if (typeof stored?.thumbnail === 'string') payload.thumbnail = stored.thumbnail;
  return { id: String(stored?.[ID_KEY] ?? ''), payload };
}

export type QdrantCondition =
  | { key: string; match: { value: string | number | boolean } }
  | { key: string; match: { any: string[] | number[] } }
  | { key: string; range: RangeCondition };

function toCondition(key: string, condition: AttributeCondition): QdrantCondition {
  if (typeof condition !== 'object') {
    if (typeof condition === 'number' && !Number.isInteger(condition)) return { key, range: { gte: condition, lte: condition } };
    return { key, match: { value: condition } };
  }
  if ('any' in condition) return { key, match: { any: condition.any as string[] | number[] } };
  const range: RangeCondition = {};
  for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) if (condition[bound] !== undefined) range[bound] = condition[bound];
  return { key, range };
}

/**
 * Translates the port's filter into a Qdrant filter whose `must` clauses all have to hold.
 * Qdrant matches exact keywords, integers and booleans; a fractional number becomes a
 * one-point range; `{ any }` becomes a match-any and a range a range condition.
 *
 * @example
 * toQdrantFilter({ label: { any: ['shoe', 'bag'] }, attributes: { color: 'red', price: { lt: 50 } } });
 * // { must: [{ key: 'label', match: { any: ['shoe', 'bag'] } }, { key: 'attributes.color', match: { value: 'red' } },
 * //          { key: 'attributes.price', range: { lt: 50 } }] }
 */
export function toQdrantFilter(filter: SearchFilter | undefined): { must: QdrantCondition[] } | undefined {
  const must: QdrantCondition[] = [];
  if (filter?.label !== undefined) must.push(toCondition('label', filter.label));
  for (const [name, condition] of Object.entries(filter?.attributes ?? {})) must.push(toCondition(`attributes.${name}`, condition));
  return must.length > 0 ? { must } : undefined;
}

/**
 * The payload index type that serves exact matches on a value of this kind.
 *
 * @example
 * indexSchemaFor('red'); // 'keyword'
 */
export function indexSchemaFor(value: AttributeValue): 'keyword' | 'integer' | 'float' | 'bool' {
  if (typeof value === 'string') return 'keyword';
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'integer' : 'float';
}
