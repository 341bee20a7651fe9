import type { AttributeCondition, AttributeValue, SearchFilter, VectorPayload } from '../../core/vector-store';

/** Whether one stored point passes a filter. */
export type PayloadPredicate = (label: string | undefined, attributes: VectorPayload['attributes']) => boolean;

/**
 * Whether a filter restricts anything (an absent or empty filter does not).
 *
 * @example
 * hasConditions({ attributes: {} }); // false
 */
export function hasConditions(filter: SearchFilter | undefined): boolean {
  return filter?.label !== undefined || Object.keys(filter?.attributes ?? {}).length > 0;
}

function conditionTest(condition: AttributeCondition): (value: AttributeValue | undefined) => boolean {
  if (typeof condition !== 'object') return (value) => value === condition;
  if ('any' in condition) {
    const allowed = new Set<AttributeValue>(condition.any);
    return (value) => value !== undefined && allowed.has(value);
  }
  const { gt, gte, lt, lte } = condition;
  return (value) =>
    typeof value === 'number' &&
    (gt === undefined || value > gt) &&
    (gte === undefined || value >= gte) &&
    (lt === undefined || value < lt) &&
    (lte === undefined || value <= lte);
}

/**
 * A validated filter as one predicate over a point's label and attributes, with Qdrant's
 * semantics: values match exactly, `any` matches one of its values, a range holds only for
 * numbers, and a missing attribute satisfies no condition. Undefined when nothing is filtered.
 *
 * @example
 * const accept = compileFilter({ label: { any: ['shoe', 'bag'] }, attributes: { price: { lt: 50 } } });
 * accept?.('shoe', { price: 20 }); // true
 */
export function compileFilter(filter: SearchFilter | undefined): PayloadPredicate | undefined {
  if (!hasConditions(filter)) return undefined;
  const label = filter!.label;
  const labelTest = label === undefined ? undefined : conditionTest(label);
  const tests = Object.entries(filter!.attributes ?? {}).map(([name, condition]) => ({ name, test: conditionTest(condition) }));
  return (pointLabel, attributes) => {
    if (labelTest !== undefined && !labelTest(pointLabel)) return false;
    for (const { name, test } of tests) if (!test(attributes?.[name])) return false;
    return true;
  };
}
