import { describe, expect, it } from 'vitest';
import { PlateauTracker } from './plateau-tracker';

describe('PlateauTracker', () => {
  it('plateaus after `patience` evaluations without a gain above minDelta, keeping the best score and its step', () => {
    const tracker = new PlateauTracker({ patience: 3, minDelta: 0.01 });
    expect(tracker.record(0.3, 100)).toEqual({ best: true, plateaued: false });
    expect(tracker.record(0.4, 200)).toEqual({ best: true, plateaued: false });
    // Better, but by less than minDelta: the best weights, yet no renewed patience.
    expect(tracker.record(0.405, 300)).toEqual({ best: true, plateaued: false });
    expect(tracker.record(0.39, 400)).toEqual({ best: false, plateaued: false });
    expect(tracker.plateaued).toBe(false);
    expect(tracker.record(0.38, 500)).toEqual({ best: false, plateaued: true });
    expect(tracker.plateaued).toBe(true);
    expect(tracker).toMatchObject({ bestScore: 0.405, bestStep: 300, lastScore: 0.38, evaluations: 5, evaluationsSinceImprovement: 3 });
  });

  it('starts over on reset (new data), forgetting the best', () => {
    const tracker = new PlateauTracker({ patience: 1, minDelta: 0 });
    tracker.record(0.5, 10);
    tracker.record(0.5, 20);
    expect(tracker.plateaued).toBe(true);
    tracker.reset();
    expect(tracker.plateaued).toBe(false);
    expect(tracker.bestScore).toBeUndefined();
    expect(tracker.record(0.2, 30)).toEqual({ best: true, plateaued: false });
    expect(() => new PlateauTracker({ patience: 0, minDelta: 0 })).toThrow(/patience/);
  });
});
