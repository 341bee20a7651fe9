/**
 * Parses a class selection such as `0,1,2,3,4`, `0-4` or `0-2,7,9` into sorted, distinct ids.
 * `field` names the option in errors (e.g. `--train-classes`).
 *
 * @example
 * parseClassList('5-9'); // [5, 6, 7, 8, 9]
 */
export function parseClassList(text: string, field = 'classes'): number[] {
  if (typeof text !== 'string' || text.trim() === '') throw new Error(`${field}: expected a class list such as 0,1,2 or 0-4, got '${text}'`);
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const item = part.trim();
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(item);
    if (range !== null) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      if (from > to) throw new Error(`${field}: range '${item}' runs backwards`);
      for (let id = from; id <= to; id++) ids.add(id);
    } else if (/^\d+$/.test(item)) {
      ids.add(Number(item));
    } else {
      throw new Error(`${field}: '${item}' is neither a class id nor a range like 0-4`);
    }
  }
  return [...ids].sort((a, b) => a - b);
}
