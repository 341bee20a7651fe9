/**
 * What every vector store accepts as a point's id and payload: the one set of rules that the
 * API's request schemas and each store adapter check, so that anything the API accepts can be
 * stored and anything a store would refuse is answered with a 400 naming the field.
 */

/** Attribute names become payload paths (`attributes.<name>`) in Qdrant, so no dots or brackets. */
const ATTRIBUTE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The attribute-name pattern as JSON Schema writes it (for the OpenAPI document). */
export const ATTRIBUTE_NAME_PATTERN_SOURCE = ATTRIBUTE_NAME_PATTERN.source;

/**
 * Names that would set an object's prototype instead of an own key when a payload is built
 * from JSON, so the attribute would vanish (or a filter silently match everything).
 */
const RESERVED_ATTRIBUTE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

export const PAYLOAD_LIMITS = {
  /** Point ids, in UTF-8 bytes. */
  idMaxBytes: 1024,
  attributeNameMaxChars: 64,
  attributesMaxKeys: 64,
  attributeStringMaxChars: 1024,
  labelMaxChars: 256,
} as const;

/** How an attribute name must look, in words (for error messages and the OpenAPI document). */
export const ATTRIBUTE_NAME_RULE = `a letter or _ then letters, digits, _ or - (at most ${PAYLOAD_LIMITS.attributeNameMaxChars} characters; no dots)`;

/**
 * Why `name` cannot be an attribute name, or `undefined` when it can.
 *
 * @example
 * attributeNameProblem('color');          // undefined
 * attributeNameProblem('color.primary');  // 'attribute names must be a letter or _ then …'
 */
export function attributeNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > PAYLOAD_LIMITS.attributeNameMaxChars || !ATTRIBUTE_NAME_PATTERN.test(name)) {
    return `attribute names must be ${ATTRIBUTE_NAME_RULE} (got ${JSON.stringify(name.slice(0, 80))})`;
  }
  if (RESERVED_ATTRIBUTE_NAMES.has(name)) return `${JSON.stringify(name)} is reserved and cannot be an attribute name`;
  return undefined;
}

/**
 * Why `value` cannot be an attribute value (a string of at most 1024 characters, a finite
 * number or a boolean), or `undefined` when it can.
 *
 * @example
 * attributeValueProblem(42);        // undefined
 * attributeValueProblem(Infinity);  // 'must be a string, finite number or boolean (got Infinity)'
 */
export function attributeValueProblem(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value.length > PAYLOAD_LIMITS.attributeStringMaxChars ? `must be at most ${PAYLOAD_LIMITS.attributeStringMaxChars} characters` : undefined;
  }
  if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) return undefined;
  return `must be a string, finite number or boolean (got ${typeof value === 'object' ? JSON.stringify(value) : String(value)})`;
}

/**
 * Why `label` cannot be a payload label (a non-empty string of at most 256 characters).
 *
 * @example
 * labelProblem('shoe'); // undefined
 */
export function labelProblem(label: unknown): string | undefined {
  if (typeof label !== 'string') return 'must be a string';
  if (label.length === 0) return 'must not be empty';
  if (label.length > PAYLOAD_LIMITS.labelMaxChars) return `must be at most ${PAYLOAD_LIMITS.labelMaxChars} characters`;
  return undefined;
}

/**
 * Why `id` cannot be a point id (a non-empty string of at most 1024 UTF-8 bytes).
 *
 * @example
 * pointIdProblem('item-42'); // undefined
 */
export function pointIdProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id.length === 0) return 'must be a non-empty string';
  if (new TextEncoder().encode(id).length > PAYLOAD_LIMITS.idMaxBytes) return `must be at most ${PAYLOAD_LIMITS.idMaxBytes} UTF-8 bytes`;
  return undefined;
}

/** One refused part of attributes: `path` names the attribute (absent: the attributes as a whole). */
export interface PayloadProblem {
  path?: string;
  message: string;
}

/**
 * Every rule above applied to attributes as a whole: the count, each name and each value.
 *
 * @example
 * attributesProblems({ 'color.primary': 'red' }); // [{ path: 'color.primary', message: 'attribute names must be …' }]
 */
export function attributesProblems(attributes: unknown): PayloadProblem[] {
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    return [{ message: 'must be an object of string, number or boolean values' }];
  }
  const problems: PayloadProblem[] = [];
  const keys = Object.keys(attributes);
  if (keys.length > PAYLOAD_LIMITS.attributesMaxKeys) {
    problems.push({ message: `must have at most ${PAYLOAD_LIMITS.attributesMaxKeys} attributes (got ${keys.length})` });
  }
  for (const key of keys) {
    const problem = attributeNameProblem(key) ?? attributeValueProblem((attributes as Record<string, unknown>)[key]);
    if (problem) problems.push({ path: key, message: problem });
  }
  return problems;
}
