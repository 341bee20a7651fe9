/** One `must` condition as discern writes them: an exact match or a closed numeric range. */
export interface QdrantCondition {
  key: string;
  match?: { value: unknown };
  range?: { gt?: number; gte?: number; lt?: number; lte?: number };
}

export interface QdrantFilter {
  must?: QdrantCondition[];
}

/**
 * Whether a payload satisfies every `must` condition, as Qdrant decides it: a dotted key reaches
 * into nested objects, a match compares the value exactly, a range holds only for numbers.
 *
 * @example
 * matchesFilter({ label: 'shoe', attributes: { size: 3 } }, { must: [{ key: 'attributes.size', range: { gte: 3 } }] }); // true
 */
export function matchesFilter(payload: Record<string, unknown>, filter: QdrantFilter | undefined): boolean {
  for (const condition of filter?.must ?? []) {
    const value = condition.key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), payload);
    if (condition.match !== undefined && value !== condition.match.value) return false;
    if (condition.range !== undefined && !inRange(value, condition.range)) return false;
  }
  return true;
}

function inRange(value: unknown, range: NonNullable<QdrantCondition['range']>): boolean {
  if (typeof value !== 'number') return false;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}
