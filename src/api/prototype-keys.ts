/**
 * The path (`filter.attributes.__proto__`) of the first `__proto__` key in a parsed JSON value,
 * or undefined. `JSON.parse` keeps such a key as an ordinary property, but copying the object
 * (as schema validation does) assigns the prototype instead and the entry silently vanishes:
 * a filter would come back unfiltered. So requests carrying one are refused.
 *
 * @example
 * prototypeKeyPath(JSON.parse('{"filter":{"attributes":{"__proto__":{"a":1}}}}')); // 'filter.attributes.__proto__'
 */
export function prototypeKeyPath(value: unknown): string | undefined {
  const path = find(value);
  return path === undefined ? undefined : path.join('.');
}

function find(value: unknown): (string | number)[] | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      // Most arrays are numbers (pixels, vectors): only objects can hold keys.
      if (item === null || typeof item !== 'object') continue;
      const inner = find(item);
      if (inner) return [i, ...inner];
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return [key];
    const inner = find((value as Record<string, unknown>)[key]);
    if (inner) return [key, ...inner];
  }
  return undefined;
}

/**
 * Whether JSON text can hold a `__proto__` key at all: it must be spelt out, or escaped.
 * Lets large bodies skip the walk of `prototypeKeyPath`.
 *
 * @example
 * mayHavePrototypeKey('{"items":[]}'); // false
 */
export function mayHavePrototypeKey(json: string): boolean {
  return json.includes('__proto__') || json.includes('\\u');
}
