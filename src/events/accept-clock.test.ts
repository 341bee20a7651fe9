import { describe, expect, it } from 'vitest';
import { createAcceptClock } from './accept-clock';

describe('createAcceptClock', () => {
  it('follows the wall clock, and never repeats or goes back when it stands still or is set back', () => {
    let wall = 1_000;
    const acceptedAt = createAcceptClock(() => wall);
    expect(acceptedAt()).toBe(1_000);
    expect(acceptedAt()).toBe(1_001);
    expect(acceptedAt()).toBe(1_002);
    wall = 900;
    expect(acceptedAt()).toBe(1_003);
    wall = 5_000;
    expect(acceptedAt()).toBe(5_000);
  });
});
