import { describe, expect, it } from 'vitest';
import { TrainingBudget } from './training-budget';

/** Steps of `stepMs` on a simulated clock, resting whenever the budget says so; returns steps per second. */
function simulate(fraction: number, stepMs: number, seconds: number): { stepsPerSecond: number; budget: TrainingBudget } {
  let clock = 0;
  const budget = new TrainingBudget({ fraction }, () => clock);
  let steps = 0;
  while (clock < seconds * 1000) {
    clock += budget.restMs();
    clock += stepMs;
    budget.spent(stepMs);
    steps++;
  }
  return { stepsPerSecond: steps / seconds, budget };
}

describe('TrainingBudget', () => {
  it('owes rest in proportion to the work, so training takes its share of the wall time', () => {
    const half = simulate(0.5, 40, 60);
    expect(half.budget.owedRestMs / half.budget.workedMs).toBeCloseTo(1, 6);
    const quarter = simulate(0.25, 40, 60);
    expect(quarter.budget.owedRestMs / quarter.budget.workedMs).toBeCloseTo(3, 6);
    const full = simulate(1, 40, 60);
    expect(full.budget.owedRestMs).toBe(0);
    // Halving the budget halves the steps per second.
    expect(half.stepsPerSecond / full.stepsPerSecond).toBeCloseTo(0.5, 1);
    expect(quarter.stepsPerSecond / half.stepsPerSecond).toBeCloseTo(0.5, 1);
  });

  it('counts time spent elsewhere as rest, and a cap lowers the share while it lasts', () => {
    let clock = 0;
    const budget = new TrainingBudget({ fraction: 0.5 }, () => clock);
    clock += 100;
    expect(budget.spent(100)).toBe(100);
    expect(budget.restMs()).toBe(100);
    clock += 60; // e.g. reading records
    expect(budget.restMs()).toBe(40);
    clock += 40;
    expect(budget.restMs()).toBe(0);
    budget.limit(0.1);
    expect(budget.share).toBe(0.1);
    expect(budget.spent(10)).toBeCloseTo(90);
    budget.limit(1);
    expect(budget.share).toBe(0.5);
    expect(() => new TrainingBudget({ fraction: 0 })).toThrow(/fraction/);
    expect(() => new TrainingBudget({ fraction: 1.5 })).toThrow(/fraction/);
  });

  it('really rests: training at half the budget on a real clock takes about half the steps per second', async () => {
    async function stepsIn(fraction: number, ms: number): Promise<number> {
      const budget = new TrainingBudget({ fraction });
      const until = performance.now() + ms;
      let steps = 0;
      while (performance.now() < until) {
        const rest = budget.restMs();
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
        const started = performance.now();
        while (performance.now() - started < 5); // a 5 ms "step" of busy work
        budget.spent(performance.now() - started);
        steps++;
      }
      return steps;
    }
    const full = await stepsIn(1, 600);
    const half = await stepsIn(0.5, 600);
    // Loose: a loaded machine stretches steps and sleeps alike.
    expect(half / full).toBeGreaterThan(0.3);
    expect(half / full).toBeLessThan(0.7);
  });
});
