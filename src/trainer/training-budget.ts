/**
 * The share of one core's wall time the trainer may spend on training (steps and holdout
 * evaluations), kept by resting after each piece of work: `ms` of work at a budget `f` owes
 * `ms · (1/f − 1)` of rest before the next piece. Anything else the trainer does meanwhile
 * (reading records, publishing) counts as rest, so the budget bounds training alone.
 *
 * @example
 * const budget = new TrainingBudget({ fraction: 0.5 });
 * const started = performance.now();
 * step();
 * budget.spent(performance.now() - started); // owes as long again
 * budget.restMs(); // wait this long before the next step
 */
export class TrainingBudget {
  /** Work recorded so far (ms). */
  workedMs = 0;
  /** Rest owed for that work so far (ms). */
  owedRestMs = 0;
  private fraction: number;
  private cap = 1;
  private restUntil = 0;

  constructor(
    options: { fraction: number },
    private readonly now: () => number = () => performance.now(),
  ) {
    this.fraction = TrainingBudget.check(options.fraction);
  }

  /** The share in force: the configured one, or less while `limit()` lowers it. */
  get share(): number {
    return Math.min(this.fraction, this.cap);
  }

  /** Lowers the share to `cap` until called again (`1`: no cap), e.g. while a backlog is read. */
  limit(cap: number): void {
    this.cap = TrainingBudget.check(cap);
  }

  /** Records `ms` of work that ended now; returns the rest it owes. */
  spent(ms: number): number {
    const rest = ms * (1 / this.share - 1);
    this.workedMs += ms;
    this.owedRestMs += rest;
    this.restUntil = Math.max(this.restUntil, this.now()) + rest;
    return rest;
  }

  /** How long to rest before the next piece of work (0: work now). */
  restMs(): number {
    return Math.max(0, this.restUntil - this.now());
  }

  private static check(fraction: number): number {
    if (!(fraction > 0 && fraction <= 1)) throw new Error(`fraction: expected a number in (0, 1], got ${fraction}`);
    return fraction;
  }
}
