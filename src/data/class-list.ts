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

/** Classes chosen by id or by name (a folder's name, or Fashion-MNIST's `Sneaker`). */
export type ClassSelection = ReadonlyArray<number | string>;

/**
 * Parses a class selection that may also name classes: ids and ranges as in
 * {@link parseClassList}, any other item a class name (`Sneaker,Bag`, `0-2,cats`).
 *
 * @example
 * parseClassSelection('0-2,Bag'); // [0, 1, 2, 'Bag']
 */
export function parseClassSelection(text: string, field = 'classes'): Array<number | string> {
  if (typeof text !== 'string' || text.trim() === '') throw new Error(`${field}: expected class ids, ranges or names such as 0-4 or Sneaker,Bag, got '${text}'`);
  const out: Array<number | string> = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item === '') throw new Error(`${field}: empty item in '${text}'`);
    if (/^\d+(\s*-\s*\d+)?$/.test(item)) out.push(...parseClassList(item, field));
    else out.push(item);
  }
  return out;
}

/**
 * Turns a selection into sorted class ids of a dataset whose classes are `classNames`: ids must
 * exist, names match exactly or, failing that, ignoring case.
 *
 * @example
 * resolveClassSelection([0, 'bag'], ['T-shirt/top', 'Trouser', …, 'Bag', 'Ankle boot']); // [0, 8]
 */
export function resolveClassSelection(selection: ClassSelection, classNames: readonly string[], field = 'classes'): number[] {
  const ids = new Set<number>();
  for (const item of selection) {
    if (typeof item === 'number') {
      if (!Number.isInteger(item) || item < 0 || item >= classNames.length) throw new Error(`${field}: ${item} is not a class id (0–${classNames.length - 1})`);
      ids.add(item);
      continue;
    }
    let id = classNames.indexOf(item);
    if (id === -1) id = classNames.findIndex((name) => name.toLowerCase() === item.toLowerCase());
    if (id === -1) throw new Error(`${field}: no class named '${item}' (classes: ${classNames.join(', ')})`);
    ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}
