import { describe, expect, it } from 'vitest';
import { parseClassList } from './class-list';

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
