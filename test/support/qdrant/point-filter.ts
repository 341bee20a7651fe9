/** One `must` condition as discern writes them: an exact match, a match-any or a numeric range. */
export interface QdrantCondition {
  key: string;
  match?: { value: unknown } | { any: unknown[] };
  range?: { gt?: number; gte?: number; lt?: number; lte?: number };
}

export interface QdrantFilter {
  must?: QdrantCondition[];
}

/**
 * Whether a payload satisfies every `must` condition, as Qdrant decides it: a dotted key reaches
 * into nested objects, a match compares the value exactly, a match-any holds when the value is
 * one of the listed ones, a range holds only for numbers.
 *
 * @example
 * matchesFilter({ label: 'shoe', attributes: { size: 3 } }, { must: [{ key: 'attributes.size', range: { gte: 3 } }] }); // true
 */
export function matchesFilter(payload: Record<string, unknown>, filter: QdrantFilter | undefined): boolean {
  for (const condition of filter?.must ?? []) {
    const value = condition.key.split('.').reduce<unknown>((at, part) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[part] : undefined), payload);
    if (condition.match !== undefined && !matches(value, condition.match)) return false;
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

function matches(value: unknown, match: NonNullable<QdrantCondition['match']>): boolean {
  if ('any' in match) return match.any.includes(value);
  return value === match.value;
}

/**
 * Why Qdrant would not parse a filter's conditions, or undefined: a match-any must list only
 * strings or only integers.
 *
 * @example
 * filterProblem({ must: [{ key: 'a', match: { any: ['x', 1] } }] }); // 'data did not match any variant of untagged enum MatchInterface'
 */
export function filterProblem(filter: QdrantFilter | undefined): string | undefined {
  for (const condition of filter?.must ?? []) {
    if (condition.match === undefined || !('any' in condition.match)) continue;
    const values = condition.match.any;
    const strings = values.every((v) => typeof v === 'string');
    const integers = values.every((v) => typeof v === 'number' && Number.isInteger(v));
    if (!strings && !integers) return 'data did not match any variant of untagged enum MatchInterface';
  }
  return undefined;
}
