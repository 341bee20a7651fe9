import { describe, expect, it } from 'vitest';
import { resolveTrainingThreads } from './training-threads';

describe('resolveTrainingThreads', () => {
  it('reads auto as every core, up to four, and nothing as one', () => {
    expect(resolveTrainingThreads('auto', 2)).toBe(2);
    expect(resolveTrainingThreads('auto', 1)).toBe(1);
    expect(resolveTrainingThreads(undefined, 8)).toBe(1);
    expect(resolveTrainingThreads('auto', 32)).toBe(4);
  });

  it('takes a count as given and refuses anything else, naming the value', () => {
    expect(resolveTrainingThreads('3', 2)).toBe(3);
    expect(resolveTrainingThreads(1, 8)).toBe(1);
    for (const bad of ['0', '-1', '1.5', 'two', '65']) expect(() => resolveTrainingThreads(bad)).toThrow(`got '${bad}'`);
  });
});
