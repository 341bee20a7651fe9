import { attributeNameProblem, labelProblem } from '../core/payload-rules';
import type { BatchSearchQuery, RecommendQuery, ScrollOptions, SearchFilter, SearchOptions } from '../core/vector-store';
import { assertId, invalid, MAX_K, MAX_SCROLL_LIMIT } from './input-validation';

/** Most hits a search may skip (`offset`). */
export const MAX_OFFSET = 10_000;
/** Most values in one `any` condition. */
export const MAX_ANY_VALUES = 1024;
/** Most queries in one batch, and most examples on each side of a recommendation. */
export const MAX_BATCH_QUERIES = 100;
export const MAX_EXAMPLES = 100;

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{ any: [...] }`: a non-empty list of strings, or of integers (what Qdrant's match-any takes). */
function assertAnyOf(condition: Record<string, unknown>, field: string, stringsOnly: boolean): void {
  const extra = Object.keys(condition).find((key) => key !== 'any');
  if (extra !== undefined) throw invalid(`${field}.${extra}`, 'an `any` condition takes no other keys');
  const values = condition.any;
  if (!Array.isArray(values) || values.length === 0) throw invalid(`${field}.any`, 'must be a non-empty array');
  if (values.length > MAX_ANY_VALUES) throw invalid(`${field}.any`, `must have at most ${MAX_ANY_VALUES} values (got ${values.length})`);
  const strings = values.every((v) => typeof v === 'string');
  const integers = !stringsOnly && values.every((v) => typeof v === 'number' && Number.isSafeInteger(v));
  if (!strings && !integers) throw invalid(`${field}.any`, stringsOnly ? 'must hold only strings' : 'must hold only strings or only integers');
}

/** `{ gt?, gte?, lt?, lte? }`: finite bounds, at least one, lower not above upper. */
function assertRange(condition: Record<string, unknown>, field: string): void {
  const extra = Object.keys(condition).find((key) => !(RANGE_KEYS as readonly string[]).includes(key));
  if (extra !== undefined) throw invalid(`${field}.${extra}`, `unknown condition; use a value, { any: [...] } or a range of ${RANGE_KEYS.join(', ')}`);
  const bounds = RANGE_KEYS.filter((key) => condition[key] !== undefined);
  if (bounds.length === 0) throw invalid(field, `a range needs at least one of ${RANGE_KEYS.join(', ')}`);
  for (const key of bounds) {
    const bound = condition[key];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) throw invalid(`${field}.${key}`, `must be a finite number (got ${JSON.stringify(bound)})`);
  }
  const lower = Math.max((condition.gt as number | undefined) ?? -Infinity, (condition.gte as number | undefined) ?? -Infinity);
  const upper = Math.min((condition.lt as number | undefined) ?? Infinity, (condition.lte as number | undefined) ?? Infinity);
  if (lower > upper) throw invalid(field, `empty range: lower bound ${lower} is above upper bound ${upper}`);
}

/**
 * Checks a search filter: `label` a string or `{ any: [strings] }`; each attribute a value
 * (string, finite number, boolean), `{ any: [...] }` of strings or integers, or a numeric range.
 *
 * @example
 * assertFilter({ label: { any: ['shoe', 'bag'] }, attributes: { price: { gte: 10, lt: 50 } } }, 'filter');
 */
export function assertFilter(filter: unknown, field: string): asserts filter is SearchFilter {
  if (!isPlainObject(filter)) throw invalid(field, 'must be an object');
  const extra = Object.keys(filter).find((key) => key !== 'label' && key !== 'attributes');
  if (extra !== undefined) throw invalid(`${field}.${extra}`, 'unknown filter key; use label or attributes');
  const { label, attributes } = filter;
  if (isPlainObject(label)) assertAnyOf(label, `${field}.label`, true);
  else if (label !== undefined && typeof label !== 'string') throw invalid(`${field}.label`, 'must be a string or { any: [strings] }');
  else if (label !== undefined) {
    const labelIssue = labelProblem(label);
    if (labelIssue) throw invalid(`${field}.label`, labelIssue);
  }
  if (attributes === undefined) return;
  if (!isPlainObject(attributes)) throw invalid(`${field}.attributes`, 'must be an object');
  for (const [name, condition] of Object.entries(attributes)) {
    const at = `${field}.attributes.${name}`;
    const nameIssue = attributeNameProblem(name);
    if (nameIssue) throw invalid(at, nameIssue);
    if (isPlainObject(condition)) {
      if ('any' in condition) assertAnyOf(condition, at, false);
      else assertRange(condition, at);
      continue;
    }
    const ok = typeof condition === 'string' || typeof condition === 'boolean' || (typeof condition === 'number' && Number.isFinite(condition));
    if (!ok) throw invalid(at, `must be a string, finite number, boolean, { any: [...] } or a range (got ${JSON.stringify(condition)})`);
  }
}

/**
 * Checks search options: `k` in [1, 10 000], `offset` in [0, 10 000], a finite
 * `scoreThreshold`, a well-formed filter. `prefix` names the options' place in a batch.
 *
 * @example
 * assertSearchOptions({ k: 10, offset: 20, scoreThreshold: 0.5, filter: { label: 'shoe' } });
 */
export function assertSearchOptions(options: SearchOptions, prefix = ''): void {
  if (!isPlainObject(options)) throw invalid(prefix ? prefix.replace(/\.$/, '') : 'options', 'must be an object');
  if (!Number.isInteger(options.k) || options.k < 1 || options.k > MAX_K) {
    throw invalid(`${prefix}k`, `must be an integer in [1, ${MAX_K}] (got ${options.k})`);
  }
  if (options.offset !== undefined && (!Number.isInteger(options.offset) || options.offset < 0 || options.offset > MAX_OFFSET)) {
    throw invalid(`${prefix}offset`, `must be an integer in [0, ${MAX_OFFSET}] (got ${options.offset})`);
  }
  if (options.scoreThreshold !== undefined && (typeof options.scoreThreshold !== 'number' || !Number.isFinite(options.scoreThreshold))) {
    throw invalid(`${prefix}scoreThreshold`, `must be a finite number (got ${options.scoreThreshold})`);
  }
  if (options.filter !== undefined) assertFilter(options.filter, `${prefix}filter`);
}

/**
 * Checks a batch of searches: 1–100 queries, each with its options (the vector's dimension is
 * the adapter's to check, naming `queries[i].vector`).
 *
 * @example
 * assertBatch([{ vector: q1, k: 5 }, { vector: q2, k: 5, filter: { label: 'shoe' } }]);
 */
export function assertBatch(queries: unknown): asserts queries is BatchSearchQuery[] {
  if (!Array.isArray(queries) || queries.length === 0) throw invalid('queries', 'must be a non-empty array');
  if (queries.length > MAX_BATCH_QUERIES) throw invalid('queries', `must have at most ${MAX_BATCH_QUERIES} queries (got ${queries.length})`);
  queries.forEach((query: BatchSearchQuery, i) => assertSearchOptions(query, `queries[${i}].`));
}

/**
 * Checks a recommendation query: 1–100 positive ids, up to 100 negative ones, the usual options.
 *
 * @example
 * assertRecommend({ positive: ['a', 'b'], negative: ['c'], k: 10 });
 */
export function assertRecommend(query: RecommendQuery): void {
  if (!isPlainObject(query)) throw invalid('query', 'must be an object');
  const { positive, negative } = query;
  if (!Array.isArray(positive) || positive.length === 0) throw invalid('positive', 'must be a non-empty array of item ids');
  if (positive.length > MAX_EXAMPLES) throw invalid('positive', `must have at most ${MAX_EXAMPLES} ids (got ${positive.length})`);
  positive.forEach((id, i) => assertId(id, `positive[${i}]`));
  if (negative !== undefined) {
    if (!Array.isArray(negative)) throw invalid('negative', 'must be an array of item ids');
    if (negative.length > MAX_EXAMPLES) throw invalid('negative', `must have at most ${MAX_EXAMPLES} ids (got ${negative.length})`);
    negative.forEach((id, i) => assertId(id, `negative[${i}]`));
  }
  assertSearchOptions(query);
}

/**
 * Checks scroll options: `limit` a positive integer up to MAX_SCROLL_LIMIT, a string cursor,
 * a well-formed filter.
 *
 * @example
 * assertScrollOptions({ limit: 50, cursor: 'item-0042' });
 */
export function assertScrollOptions(options: ScrollOptions): void {
  if (!options || typeof options !== 'object') throw invalid('options', 'must be an object');
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > MAX_SCROLL_LIMIT) {
    throw invalid('limit', `must be an integer in [1, ${MAX_SCROLL_LIMIT}] (got ${options.limit})`);
  }
  if (options.cursor !== undefined && (typeof options.cursor !== 'string' || options.cursor.length === 0)) throw invalid('cursor', 'must be a non-empty string');
  if (options.filter !== undefined) assertFilter(options.filter, 'filter');
}
