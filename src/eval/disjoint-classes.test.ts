import { describe, expect, it } from 'vitest';
import { assertDisjointClasses } from './disjoint-classes';

describe('assertDisjointClasses', () => {
  it('accepts disjoint label sets', () => {
    expect(() => assertDisjointClasses(new Int32Array([0, 1, 2, 2]), new Int32Array([5, 6, 5]))).not.toThrow();
  });

  it('names every shared class', () => {
    expect(() => assertDisjointClasses([0, 1, 4, 3], [9, 4, 3, 3])).toThrow(/disjoint.*class\(es\) 3, 4$/);
  });
});
