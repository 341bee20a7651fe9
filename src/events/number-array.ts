import { z } from 'zod';

export interface NumberArrayOptions {
  minLength?: number;
  maxLength: number;
  /** Each value must be an integer 0–255 (pixel data); otherwise any finite number. */
  bytes?: boolean;
  description: string;
}

/**
 * An array of finite numbers checked in one plain loop. Per-element schemas cost ~20× more,
 * and these arrays (pixels, feature vectors) are most of an ingest batch. The first bad
 * element is reported with its index (`pixels.data.17`).
 *
 * @example
 * numberArraySchema({ maxLength: 4096, description: 'features' }).parse([0.5, 1]);
 */
export function numberArraySchema(options: NumberArrayOptions) {
  const { minLength = 0, maxLength, bytes = false } = options;
  const items = bytes ? { type: 'integer', minimum: 0, maximum: 255 } : { type: 'number' };
  return z
    .custom<number[]>((value) => Array.isArray(value), { message: `expected an array of ${bytes ? 'integers 0–255' : 'numbers'}` })
    .check((ctx) => {
      const values = ctx.value;
      if (values.length < minLength || values.length > maxLength) {
        const bound = values.length < minLength ? `at least ${minLength}` : `at most ${maxLength}`;
        ctx.issues.push({ code: 'custom', input: values.length, message: `must have ${bound} values (got ${values.length})` });
        return;
      }
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        const ok = bytes ? typeof v === 'number' && v >= 0 && v <= 255 && Number.isInteger(v) : typeof v === 'number' && Number.isFinite(v);
        if (!ok) {
          const shown = typeof v === 'number' ? String(v) : JSON.stringify(v);
          ctx.issues.push({ code: 'custom', input: v, path: [i], message: `must be ${bytes ? 'an integer 0–255' : 'a finite number'} (got ${shown})` });
          return;
        }
      }
    })
    .meta({ type: 'array', items, minItems: minLength, maxItems: maxLength, description: options.description } as Record<string, unknown>);
}
