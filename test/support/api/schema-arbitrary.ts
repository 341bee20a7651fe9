import fc from 'fast-check';

/** A JSON Schema node as the OpenAPI document holds it. */
export type JsonSchema = Record<string, any>;

/** Values to draw for a named property or parameter instead of (or besides) the schema's. */
export type Hints = Record<string, fc.Arbitrary<unknown>>;

const MAX_ARRAY = 6;
const MAX_STRING = 24;

/**
 * A fast-check arbitrary of values valid (or nearly: cross-field rules are not in a JSON
 * Schema) for a schema of the OpenAPI document: objects with their required and some optional
 * properties, arrays, strings matching their pattern, numbers within their bounds, `oneOf` /
 * `anyOf` alternatives, `$ref`s resolved. `hints` add domain values by property name (real
 * images, known ids), drawn three times in four.
 *
 * @example
 * const body = schemaArbitrary(doc, doc.paths['/v1/items'].post.requestBody.content['application/json'].schema);
 * fc.sample(body, 3);
 */
export function schemaArbitrary(doc: JsonSchema, schema: JsonSchema, hints: Hints = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const own = ownArbitrary(doc, schema, hints, depth);
  const hint = name !== undefined ? hints[name] : undefined;
  return hint ? fc.oneof({ weight: 3, arbitrary: hint }, { weight: 1, arbitrary: own }) : own;
}

function ownArbitrary(doc: JsonSchema, schema: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  if (schema.$ref) return schemaArbitrary(doc, resolve(doc, schema.$ref), hints, undefined, depth);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: JsonSchema) => schemaArbitrary(doc, s, hints, undefined, depth + 1)));
  if (schema.enum) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const properties: Record<string, JsonSchema> = schema.properties ?? {};
      if (Object.keys(properties).length === 0 && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const key = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), fc.string({ maxLength: 10 }));
        return fc.dictionary(key, schemaArbitrary(doc, schema.additionalProperties, hints, undefined, depth + 1), { maxKeys: 4 });
      }
      // Optional properties come one time in three: requests that take exactly one of several
      // fields (image, pixels, vector) are then often well-formed.
      const required = new Set<string>(schema.required ?? []);
      const entries = Object.entries(properties).map(([key, child]) => {
        const entry = schemaArbitrary(doc, child, hints, key, depth + 1).map((value) => [key, value] as const);
        return required.has(key) ? entry : fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: entry });
      });
      return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)));
    }
    case 'array': {
      const minLength = schema.minItems ?? 0;
      return fc.array(schemaArbitrary(doc, schema.items ?? {}, hints, undefined, depth + 1), { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? MAX_ARRAY, MAX_ARRAY)) });
    }
    case 'string': {
      const maxLength = Math.min(schema.maxLength ?? MAX_STRING, MAX_STRING);
      const minLength = Math.min(schema.minLength ?? 0, maxLength);
      if (schema.format === 'date-time') return fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, Math.max(maxLength, 1)));
      return fc.string({ minLength, maxLength });
    }
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e6), max: Math.min(schema.maximum ?? 1000, 1e6) });
    case 'number': {
      const min = schema.minimum ?? -1e6;
      const max = schema.maximum ?? 1e6;
      return fc.double({ min, max, noNaN: true, noDefaultInfinity: true, minExcluded: schema.exclusiveMinimum === true });
    }
    case 'boolean':
      return fc.boolean();
    default:
      return depth > 3 ? fc.constant(null) : fc.jsonValue({ maxDepth: 2 });
  }
}

function resolve(doc: JsonSchema, ref: string): JsonSchema {
  const name = ref.replace('#/components/schemas/', '');
  const found = doc.components?.schemas?.[name];
  if (!found) throw new Error(`schemaArbitrary: unknown $ref ${ref}`);
  return found;
}
