import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { learningRateAt } from './learning-rate-schedule';
import { checkBudget, runTrainingLoop } from './training-loop';

describe('checkBudget', () => {
  it('turns epochs into steps and keeps the smaller of two step limits', () => {
    expect(checkBudget({ steps: 10 }, 8, 100)).toBe(10);
    expect(checkBudget({ epochs: 2 }, 8, 100)).toBe(25);
    expect(checkBudget({ epochs: 2, steps: 500 }, 100, 10_000)).toBe(200);
    expect(checkBudget({ epochs: 2, steps: 50 }, 100, 10_000)).toBe(50);
    expect(checkBudget({ maxSeconds: 3 }, 8, 100)).toBeUndefined();
  });

  it('rejects missing or invalid limits naming the field', () => {
    expect(() => checkBudget({}, 8, 100)).toThrow(/steps, epochs or maxSeconds/);
    expect(() => checkBudget({ steps: 1.5 }, 8, 100)).toThrow(/steps/);
    expect(() => checkBudget({ epochs: 0 }, 8, 100)).toThrow(/epochs/);
    expect(() => checkBudget({ maxSeconds: -2 }, 8, 100)).toThrow(/maxSeconds/);
  });
});

describe('runTrainingLoop', () => {
  it('anneals the rate over the steps, counts skipped steps and summarises the losses', async () => {
    const rates: number[] = [];
    const losses = [5, 4, NaN, 3, 2, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25];
    let i = 0;
    const summary = await runTrainingLoop({
      steps: 20, samplesPerStep: 10, datasetSize: 50, learningRate: 0.1, schedule: { kind: 'cosine' }, message: 'test', progressIntervalMs: 60_000,
      step: (rate) => {
        rates.push(rate);
        const loss = losses[i++];
        return { loss, skipped: !Number.isFinite(loss) };
      },
    });
    expect(rates).toEqual(rates.map((_, k) => learningRateAt(0.1, { kind: 'cosine' }, k / 20)));
    expect(summary.steps).toBe(19);
    expect(summary.skippedSteps).toBe(1);
    expect(summary.samples).toBe(200);
    expect(summary.epochs).toBe(4);
    expect(summary.initialLoss).toBe(5);
    expect(summary.finalLoss).toBe(0.25);
    // Last 10% of the 19 finite losses, rounded up: the final two.
    expect(summary.recentLoss).toBeCloseTo((0.5 + 0.25) / 2, 12);
    expect(summary.stoppedBy).toBe('steps');
    expect(summary.lossHistory).toHaveLength(20);
  });

  it('follows the clock when only maxSeconds is set', async () => {
    const rates: number[] = [];
    const summary = await runTrainingLoop({
      maxSeconds: 0.3, samplesPerStep: 1, datasetSize: 1, learningRate: 1, schedule: { kind: 'cosine' }, message: 'test', progressIntervalMs: 60_000,
      step: (rate) => {
        rates.push(rate);
        const until = Date.now() + 20;
        while (Date.now() < until);
        return { loss: 1, skipped: false };
      },
    });
    expect(summary.stoppedBy).toBe('time');
    expect(rates[0]).toBe(1);
    expect(rates.length).toBeGreaterThan(1);
    expect(rates[rates.length - 1]).toBeLessThan(1);
    for (let k = 1; k < rates.length; k++) expect(rates[k]).toBeLessThanOrEqual(rates[k - 1]);
  });
});
