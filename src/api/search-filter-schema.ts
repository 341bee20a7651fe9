import { z } from 'zod';
import { LabelSchema } from '../events/attributes';
import { EVENT_LIMITS } from '../events/limits';

/** Most values in one `any` condition, hits one search may skip, searches in one batch, examples per side. */
export const QUERY_LIMITS = { anyValues: 1024, offset: 10_000, batchSearches: 100, examples: 100 } as const;

const RANGE_KEYS = ['gt', 'gte', 'lt', 'lte'] as const;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why a value is no attribute condition, in words naming the offending key. */
function conditionProblem(input: unknown): string {
  if (!isObject(input)) return `must be a string, number, boolean, { any: [...] } or a range { gt, gte, lt, lte } (got ${JSON.stringify(input)})`;
  if ('any' in input) {
    const extra = Object.keys(input).find((key) => key !== 'any');
    if (extra !== undefined) return `${extra}: an { any } condition takes no other keys`;
    const values = input.any;
    if (!Array.isArray(values) || values.length === 0) return 'any: must be a non-empty array';
    if (values.length > QUERY_LIMITS.anyValues) return `any: must have at most ${QUERY_LIMITS.anyValues} values`;
    return 'any: must hold only strings or only integers';
  }
  const extra = Object.keys(input).find((key) => !(RANGE_KEYS as readonly string[]).includes(key));
  if (extra !== undefined) return `${extra}: unknown condition; use a value, { any: [...] } or a range of gt, gte, lt, lte`;
  const bad = RANGE_KEYS.find((key) => input[key] !== undefined && (typeof input[key] !== 'number' || !Number.isFinite(input[key])));
  if (bad !== undefined) return `${bad}: must be a finite number (got ${JSON.stringify(input[bad])})`;
  return 'a range needs at least one of gt, gte, lt, lte';
}

const RangeSchema = z
  .strictObject({ gt: z.number().optional(), gte: z.number().optional(), lt: z.number().optional(), lte: z.number().optional() })
  .check((ctx) => {
    const { gt, gte, lt, lte } = ctx.value;
    if ([gt, gte, lt, lte].every((bound) => bound === undefined)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, message: 'a range needs at least one of gt, gte, lt, lte' });
      return;
    }
    const lower = Math.max(gt ?? -Infinity, gte ?? -Infinity);
    const upper = Math.min(lt ?? Infinity, lte ?? Infinity);
    if (lower > upper) ctx.issues.push({ code: 'custom', input: ctx.value, message: `empty range: lower bound ${lower} is above upper bound ${upper}` });
  })
  .meta({ id: 'RangeCondition', description: 'Numbers in this range (at least one bound); never holds for strings or booleans', example: { gte: 10, lt: 50 } });

const AnyOfSchema = z
  .strictObject({
    any: z.union([z.array(z.string().max(EVENT_LIMITS.attributeStringMaxChars)).min(1).max(QUERY_LIMITS.anyValues), z.array(z.int()).min(1).max(QUERY_LIMITS.anyValues)]),
  })
  .meta({ id: 'AnyOfCondition', description: 'Any one of these values (only strings or only integers)', example: { any: ['red', 'blue'] } });

/**
 * One attribute condition: a value (matched exactly), `{ any: [...] }` or a numeric range.
 * A bad condition is reported at the attribute's path with what is wrong in its message.
 *
 * @example
 * AttributeConditionSchema.parse({ gte: 10, lt: 50 });
 */
export const AttributeConditionSchema = z
  .union([z.string().max(EVENT_LIMITS.attributeStringMaxChars), z.number(), z.boolean(), AnyOfSchema, RangeSchema], {
    error: (issue) => {
      const problem = conditionProblem(issue.input);
      if (!problem.startsWith('a range needs')) return problem;
      // A well-formed range that is empty carries its own message.
      const inner = (issue as { errors?: { message: string; code: string }[][] }).errors?.flat().find((i) => i.code === 'custom');
      return inner?.message ?? problem;
    },
  })
  .meta({ description: 'A value (exact match), { any: [values] } or a numeric range { gt, gte, lt, lte }' });

/**
 * The `filter` of searches and recommendations: a label (or `{ any: [labels] }`) and attribute
 * conditions, all of which must hold.
 *
 * @example
 * SearchFilterSchema.parse({ label: { any: ['shoe', 'bag'] }, attributes: { color: 'red', price: { lt: 50 } } });
 */
export const SearchFilterSchema = z
  .strictObject({
    label: z
      .union([LabelSchema, z.strictObject({ any: z.array(LabelSchema).min(1).max(QUERY_LIMITS.anyValues) })], {
        error: (issue) => (isObject(issue.input) ? 'must be { any: [labels] } with 1 to 1024 non-empty labels' : 'must be a non-empty label or { any: [labels] }'),
      })
      .optional(),
    attributes: z
      .record(z.string().min(1).max(EVENT_LIMITS.attributeKeyMaxChars).regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'attribute names are letters, digits, _ and -'), AttributeConditionSchema)
      .optional(),
  })
  .meta({ id: 'SearchFilter', description: 'Only items with this label (or any of these labels) whose attributes satisfy every condition' });
