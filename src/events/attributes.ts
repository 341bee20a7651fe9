import { z } from 'zod';
import { EVENT_LIMITS } from './limits';

/**
 * Free-form item attributes usable as search filters: a bounded record of string, finite
 * number or boolean values.
 *
 * @example
 * AttributesSchema.parse({ color: 'red', size: 42, inStock: true });
 */
export const AttributesSchema = z
  .record(
    z.string().min(1).max(EVENT_LIMITS.attributeKeyMaxChars),
    z.union([z.string().max(EVENT_LIMITS.attributeStringMaxChars), z.number(), z.boolean()]),
  )
  .check((ctx) => {
    const count = Object.keys(ctx.value).length;
    if (count > EVENT_LIMITS.attributesMaxKeys) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        message: `must have at most ${EVENT_LIMITS.attributesMaxKeys} attributes (got ${count})`,
      });
    }
  })
  .meta({ description: 'Attributes (string, number or boolean values) usable as search filters', example: { color: 'red' } });

export type Attributes = z.output<typeof AttributesSchema>;

export const LabelSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(EVENT_LIMITS.labelMaxChars)
  .meta({ description: 'Class label', example: 'sneaker' });
