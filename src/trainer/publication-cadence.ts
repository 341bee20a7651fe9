export interface PublicationCadenceOptions {
  /** Publish after this many training steps (PUBLISH_EVERY_STEPS, default 500)… */
  everySteps?: number;
  /** …or this many seconds after the last publication, whichever comes first (default 300). */
  everySeconds?: number;
  /** New feedback is published at most this many seconds after it arrives (default 15). */
  freshnessSeconds?: number;
  /** Training steps granted by each arrival of new feedback (default 60). */
  stepsAfterSignal?: number;
}

/**
 * When the trainer trains and when it publishes: each arrival of new signal grants a budget
 * of training steps, and a version is published once the budget is spent or the signal has
 * waited `freshnessSeconds`, on the step and time cadence otherwise, and at once when no
 * version is live.
 *
 * @example
 * const cadence = new PublicationCadence({ stepsAfterSignal: 60 });
 * cadence.signalled(Date.now());
 * while (cadence.trainingBudget > 0) { step(); cadence.stepped(); }
 * if (cadence.due(Date.now())) { await publish(); cadence.published(Date.now()); }
 */
export class PublicationCadence {
  /** Steps left to train on the signal received so far. */
  trainingBudget = 0;
  /** No version is live: publish one at once. */
  initialPending = false;
  private stepsSincePublish = 0;
  private firstUnpublishedSignalAt: number | undefined;
  private lastPublishAt = Date.now();
  private readonly everySteps: number;
  private readonly everyMs: number;
  private readonly freshnessMs: number;
  private readonly stepsAfterSignal: number;

  constructor(options: PublicationCadenceOptions = {}) {
    this.everySteps = options.everySteps ?? 500;
    this.everyMs = (options.everySeconds ?? 300) * 1000;
    this.freshnessMs = (options.freshnessSeconds ?? 15) * 1000;
    this.stepsAfterSignal = options.stepsAfterSignal ?? 60;
  }

  /** New signal arrived: grants the training budget and starts the freshness clock. */
  signalled(now: number): void {
    this.trainingBudget = Math.max(this.trainingBudget, this.stepsAfterSignal);
    this.firstUnpublishedSignalAt ??= now;
  }

  /** One training step was taken. */
  stepped(): void {
    this.trainingBudget--;
    this.stepsSincePublish++;
  }

  /** Nothing is trainable: the budget is void. */
  exhausted(): void {
    this.trainingBudget = 0;
  }

  due(now: number): boolean {
    if (this.initialPending) return true;
    if (this.stepsSincePublish === 0) return false;
    if (this.stepsSincePublish >= this.everySteps || now - this.lastPublishAt >= this.everyMs) return true;
    if (this.firstUnpublishedSignalAt === undefined) return false;
    return this.trainingBudget === 0 || now - this.firstUnpublishedSignalAt >= this.freshnessMs;
  }

  /** A publication is starting: returns when its oldest signal arrived (undefined: none), and resets the clocks. */
  publishing(): number | undefined {
    const signalAt = this.firstUnpublishedSignalAt;
    this.firstUnpublishedSignalAt = undefined;
    return signalAt;
  }

  /** A version was published. */
  published(now: number): void {
    this.initialPending = false;
    this.stepsSincePublish = 0;
    this.lastPublishAt = now;
  }

  /** Restarts the time cadence (at start). */
  restart(now: number): void {
    this.lastPublishAt = now;
  }
}
