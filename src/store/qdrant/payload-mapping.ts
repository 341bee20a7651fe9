import type { AttributeValue, SearchFilter, VectorPayload } from '../../core/vector-store';

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
  | { key: string; range: { gte: number; lte: number } };

/**
 * Translates the port's filter into a Qdrant filter whose `must` clauses all have to hold.
 * Qdrant matches exact keywords, integers and booleans; a fractional number becomes a
 * one-point range.
 *
 * @example
 * toQdrantFilter({ label: 'shoe', attributes: { color: 'red' } });
 * // { must: [{ key: 'label', match: { value: 'shoe' } }, { key: 'attributes.color', match: { value: 'red' } }] }
 */
export function toQdrantFilter(filter: SearchFilter | undefined): { must: QdrantCondition[] } | undefined {
  const must: QdrantCondition[] = [];
  if (filter?.label !== undefined) must.push({ key: 'label', match: { value: filter.label } });
  for (const [name, value] of Object.entries(filter?.attributes ?? {})) {
    const key = `attributes.${name}`;
    if (typeof value === 'number' && !Number.isInteger(value)) must.push({ key, range: { gte: value, lte: value } });
    else must.push({ key, match: { value } });
  }
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
