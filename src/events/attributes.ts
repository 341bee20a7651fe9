import { z } from 'zod';
import { ATTRIBUTE_NAME_PATTERN_SOURCE, ATTRIBUTE_NAME_RULE, attributesProblems, PAYLOAD_LIMITS } from '../core/payload-rules';
import type { AttributeValue } from '../core/vector-store';

/**
 * Free-form item attributes usable as search filters: at most 64 string, finite number or
 * boolean values under names every vector store accepts (the shared payload rules: no dots,
 * no reserved names such as `__proto__`). Checked on the object as sent, before any copy could
 * drop a key such as `__proto__` unseen.
 *
 * @example
 * AttributesSchema.parse({ color: 'red', size: 42, inStock: true });
 */
export const AttributesSchema = z
  .custom<Record<string, AttributeValue>>((value) => value !== null && typeof value === 'object' && !Array.isArray(value), {
    message: 'expected an object of string, number or boolean values',
  })
  .check((ctx) => {
    for (const problem of attributesProblems(ctx.value)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: problem.path === undefined ? [] : [problem.path], message: problem.message });
    }
  })
  .meta({
    type: 'object',
    propertyNames: { pattern: ATTRIBUTE_NAME_PATTERN_SOURCE, maxLength: PAYLOAD_LIMITS.attributeNameMaxChars },
    additionalProperties: { anyOf: [{ type: 'string', maxLength: PAYLOAD_LIMITS.attributeStringMaxChars }, { type: 'number' }, { type: 'boolean' }] },
    maxProperties: PAYLOAD_LIMITS.attributesMaxKeys,
    description: `Attributes (string, number or boolean values) usable as search filters; names: ${ATTRIBUTE_NAME_RULE}`,
    example: { color: 'red' },
  } as Record<string, unknown>);

export type Attributes = z.output<typeof AttributesSchema>;

export const LabelSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(PAYLOAD_LIMITS.labelMaxChars, `must be at most ${PAYLOAD_LIMITS.labelMaxChars} characters`)
  .meta({ description: 'Class label', example: 'sneaker' });
