import { describe, expect, it } from 'vitest';
import { parseClassList, parseClassSelection, resolveClassSelection } from './class-list';

describe('parseClassList', () => {
  it('reads lists, ranges and mixtures into sorted distinct ids', () => {
    expect(parseClassList('0,1,2,3,4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseClassList('0-4')).toEqual([0, 1, 2, 3, 4]);
    expect(parseClassList(' 7, 0-2 ,9,1')).toEqual([0, 1, 2, 7, 9]);
    expect(parseClassList('5')).toEqual([5]);
  });

  it('names the field in errors', () => {
    expect(() => parseClassList('', '--eval-classes')).toThrow(/^--eval-classes: expected a class list/);
    expect(() => parseClassList('4-1')).toThrow(/classes: range '4-1' runs backwards/);
    expect(() => parseClassList('1,a')).toThrow(/classes: 'a' is neither/);
    expect(() => parseClassList('1,,2')).toThrow(/classes: '' is neither/);
    expect(() => parseClassList('-3')).toThrow(/classes: '-3' is neither/);
  });
});

describe('parseClassSelection and resolveClassSelection', () => {
  const names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

  it('reads ids, ranges and names, and resolves names exactly or ignoring case', () => {
    expect(parseClassSelection('0-2, Bag,ankle boot')).toEqual([0, 1, 2, 'Bag', 'ankle boot']);
    expect(resolveClassSelection(parseClassSelection('Sneaker,bag,0-1'), names)).toEqual([0, 1, 7, 8]);
    expect(resolveClassSelection(['T-shirt/top'], names)).toEqual([0]);
  });

  it('names the field and the known classes in errors', () => {
    expect(() => resolveClassSelection(['Boots'], names, '--classes')).toThrow(/^--classes: no class named 'Boots' \(classes: T-shirt\/top, Trouser/);
    expect(() => resolveClassSelection([10], names, '--classes')).toThrow(/^--classes: 10 is not a class id \(0–9\)/);
    expect(() => parseClassSelection('1,,2', '--classes')).toThrow(/^--classes: empty item/);
  });
});
