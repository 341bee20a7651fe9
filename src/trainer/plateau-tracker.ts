export interface PlateauTrackerOptions {
  /** Evaluations without an improvement of more than `minDelta` before training counts as plateaued (TRAINER_PATIENCE). */
  patience: number;
  /** The least gain over the score of the last improvement that counts as one (TRAINER_MIN_DELTA). */
  minDelta: number;
}

/** What one evaluation meant. */
export interface PlateauVerdict {
  /** The best score so far: its weights are worth keeping. */
  best: boolean;
  /** This evaluation ran out the patience. */
  plateaued: boolean;
}

/**
 * Early stopping on a holdout score (higher is better): the best score seen and the step it was
 * reached at, and how many evaluations passed since the score last rose by more than
 * `minDelta`. A score above the best by less than `minDelta` is still the best (its weights are
 * the ones to publish) but does not renew the patience. `reset()` forgets both, for new data
 * changes what can be learnt (and the holdout the scores come from).
 *
 * @example
 * const tracker = new PlateauTracker({ patience: 3, minDelta: 0.002 });
 * tracker.record(0.41, 200); // { best: true, plateaued: false }
 * tracker.plateaued;         // true after 3 evaluations without a gain above 0.002
 */
export class PlateauTracker {
  bestScore: number | undefined;
  bestStep: number | undefined;
  lastScore: number | undefined;
  evaluations = 0;
  evaluationsSinceImprovement = 0;
  private improvedTo = -Infinity;

  constructor(readonly options: PlateauTrackerOptions) {
    if (!(Number.isInteger(options.patience) && options.patience >= 1)) throw new Error(`patience: expected a positive integer, got ${options.patience}`);
    if (!(options.minDelta >= 0)) throw new Error(`minDelta: expected a number ≥ 0, got ${options.minDelta}`);
  }

  get plateaued(): boolean {
    return this.evaluationsSinceImprovement >= this.options.patience;
  }

  record(score: number, step: number): PlateauVerdict {
    const wasPlateaued = this.plateaued;
    this.evaluations++;
    this.lastScore = score;
    const best = this.bestScore === undefined || score > this.bestScore;
    if (best) {
      this.bestScore = score;
      this.bestStep = step;
    }
    if (score > this.improvedTo + this.options.minDelta) {
      this.improvedTo = score;
      this.evaluationsSinceImprovement = 0;
    } else {
      this.evaluationsSinceImprovement++;
    }
    return { best, plateaued: this.plateaued && !wasPlateaued };
  }

  reset(): void {
    this.bestScore = this.bestStep = this.lastScore = undefined;
    this.improvedTo = -Infinity;
    this.evaluationsSinceImprovement = 0;
  }
}
