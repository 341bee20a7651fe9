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
  // An explicit stack (a hostile body may nest deeper than the call stack allows), each entry
  // linked to its parent so that the path is only spelt out for a hit.
  interface Entry {
    value: unknown;
    key: string | number | undefined;
    parent: Entry | undefined;
  }
  const pathOf = (entry: Entry | undefined, last: string) => {
    const parts: (string | number)[] = [last];
    for (let e = entry; e && e.key !== undefined; e = e.parent) parts.push(e.key);
    return parts.reverse().join('.');
  };
  const stack: Entry[] = [{ value, key: undefined, parent: undefined }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const node = entry.value;
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) {
        const item = node[i];
        // Most arrays are numbers (pixels, vectors): only objects can hold keys.
        if (item !== null && typeof item === 'object') stack.push({ value: item, key: i, parent: entry });
      }
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.includes('__proto__')) return pathOf(entry, '__proto__');
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = (node as Record<string, unknown>)[keys[i]];
        if (child !== null && typeof child === 'object') stack.push({ value: child, key: keys[i], parent: entry });
      }
    }
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
