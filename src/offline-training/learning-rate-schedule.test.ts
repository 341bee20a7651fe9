import { describe, expect, it } from 'vitest';
import { checkSchedule, learningRateAt } from './learning-rate-schedule';

describe('learningRateAt', () => {
  it('cosine follows 0.5·(1 + cos(πp)) between base and minFactor·base', () => {
    for (const p of [0, 0.1, 0.25, 0.5, 0.9, 1]) {
      expect(learningRateAt(2e-3, { kind: 'cosine' }, p)).toBeCloseTo(2e-3 * 0.5 * (1 + Math.cos(Math.PI * p)), 12);
      expect(learningRateAt(1, { kind: 'cosine', minFactor: 0.1 }, p)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * p)), 12);
    }
  });

  it('step multiplies by gamma once per milestone passed', () => {
    const s = { kind: 'step' as const, milestones: [0.5, 0.8], gamma: 0.1 };
    expect(learningRateAt(1, s, 0.49)).toBe(1);
    expect(learningRateAt(1, s, 0.5)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(1, s, 0.85)).toBeCloseTo(0.01, 12);
  });

  it('warm-up ramps linearly up to the base rate, never starting at zero', () => {
    const s = { kind: 'constant' as const, warmupFraction: 0.1 };
    const first = learningRateAt(1, s, 0);
    expect(first).toBeGreaterThan(0);
    expect(learningRateAt(1, s, 0.05)).toBeGreaterThan(first);
    expect(learningRateAt(1, s, 0.1)).toBe(1);
    expect(learningRateAt(1, s, 0.5)).toBe(1);
  });

  it('clamps progress outside [0, 1]', () => {
    expect(learningRateAt(1, { kind: 'cosine' }, 1.5)).toBeCloseTo(0, 12);
    expect(learningRateAt(1, { kind: 'cosine' }, -1)).toBe(1);
  });

  it('rejects bad schedules naming the field', () => {
    expect(() => checkSchedule({ kind: 'step', milestones: [1.5] })).toThrow(/schedule\.milestones/);
    expect(() => checkSchedule({ kind: 'cosine', minFactor: 2 })).toThrow(/schedule\.minFactor/);
    expect(() => checkSchedule({ kind: 'constant', warmupFraction: 1 })).toThrow(/schedule\.warmupFraction/);
    expect(() => checkSchedule({ kind: 'linear' } as never)).toThrow(/schedule\.kind/);
  });
});
