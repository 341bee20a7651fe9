export interface PublicationCadenceOptions {
  /** Publish after this many training steps (PUBLISH_EVERY_STEPS, default 500)… */
  everySteps?: number;
  /** …or this many seconds after the last publication, whichever comes first (default 300). */
  everySeconds?: number;
  /**
   * New feedback is live (its version answers searches) at most this many seconds after it
   * arrives (default 10): a publication starts that long after the signal less the time the
   * last publication that went live took, so the version is live by the bound.
   */
  freshnessSeconds?: number;
  /** Training steps granted by each arrival of new feedback (default 60). */
  stepsAfterSignal?: number;
  /**
   * PUBLISH_MIN_STEPS: steps needed before the freshness bound or the time cadence publish, and
   * before a spent grant does (at most `stepsAfterSignal` then); default 1. Keeps the catalog from
   * being re-embedded for a single step.
   */
  minSteps?: number;
}

/**
 * When the trainer trains and when it publishes: each arrival of new signal grants a budget
 * of training steps, and after at least `minSteps` steps a version is published once the budget
 * is spent or the signal has waited so long that a publication taking as long as the last one
 * would go live `freshnessSeconds` after it; on the step and time cadence otherwise, at once
 * when no version is live, and when asked (the best weights of a plateau).
 *
 * @example
 * const cadence = new PublicationCadence({ stepsAfterSignal: 60 });
 * cadence.signalled(Date.now());
 * while (cadence.trainingBudget > 0) { step(); cadence.stepped(); }
 * if (cadence.due(Date.now())) { cadence.publishing(Date.now()); await publish(); cadence.published(Date.now()); }
 */
export class PublicationCadence {
  /** Steps left to train on the signal received so far. */
  trainingBudget = 0;
  /** No version is live: publish one at once. */
  initialPending = false;
  private stepsSincePublish = 0;
  private requested = false;
  private firstUnpublishedSignalAt: number | undefined;
  private lastPublishAt = Date.now();
  /** When the publication under way started, and how long the last one that went live took (ms). */
  private publishingSince: number | undefined;
  private leadMs = 0;
  private readonly everySteps: number;
  private readonly everyMs: number;
  private readonly freshnessMs: number;
  private readonly stepsAfterSignal: number;
  private readonly minSteps: number;

  constructor(options: PublicationCadenceOptions = {}) {
    this.everySteps = options.everySteps ?? 500;
    this.everyMs = (options.everySeconds ?? 300) * 1000;
    this.freshnessMs = (options.freshnessSeconds ?? 10) * 1000;
    this.stepsAfterSignal = options.stepsAfterSignal ?? 60;
    this.minSteps = options.minSteps ?? 1;
  }

  /** New signal arrived: grants the training budget and starts the freshness clock. */
  signalled(now: number): void {
    this.trainingBudget = Math.max(this.trainingBudget, this.stepsAfterSignal);
    this.firstUnpublishedSignalAt ??= now;
  }

  /** One training step was taken. */
  stepped(): void {
    this.trainingBudget = Math.max(0, this.trainingBudget - 1);
    this.stepsSincePublish++;
  }

  /** Nothing is trainable: the budget is void. */
  exhausted(): void {
    this.trainingBudget = 0;
  }

  /** Publish these weights at the next chance (e.g. the best ones, put back when training plateaued). */
  requestPublication(): void {
    this.requested = true;
  }

  due(now: number): boolean {
    if (this.initialPending || this.requested) return true;
    if (this.stepsSincePublish === 0) return false;
    if (this.stepsSincePublish >= this.everySteps) return true;
    const spent = this.firstUnpublishedSignalAt !== undefined && this.trainingBudget === 0;
    if (spent && this.stepsSincePublish >= Math.min(this.minSteps, this.stepsAfterSignal)) return true;
    if (this.stepsSincePublish < this.minSteps) return false;
    if (now - this.lastPublishAt >= this.everyMs) return true;
    return this.firstUnpublishedSignalAt !== undefined && now - this.firstUnpublishedSignalAt >= this.freshnessMs - this.leadMs;
  }

  /** How long before the freshness bound a publication starts: the time the last one that went live took (ms). */
  get publicationLeadMs(): number {
    return this.leadMs;
  }

  /**
   * A publication is starting (at `now`, when given, to time it): returns when its oldest signal
   * arrived (undefined: none), and resets the clocks.
   */
  publishing(now?: number): number | undefined {
    const signalAt = this.firstUnpublishedSignalAt;
    this.firstUnpublishedSignalAt = undefined;
    this.publishingSince = now;
    return signalAt;
  }

  /**
   * A publication ended at `now`; `wentLive` false: the candidate was kept out (it re-embedded
   * nothing, so its time says nothing about the next publication's).
   */
  published(now: number, wentLive = true): void {
    if (wentLive && this.publishingSince !== undefined) this.leadMs = Math.min(this.freshnessMs, Math.max(0, now - this.publishingSince));
    this.publishingSince = undefined;
    this.initialPending = false;
    this.requested = false;
    this.stepsSincePublish = 0;
    this.lastPublishAt = now;
  }

  /** Restarts the time cadence (at start). */
  restart(now: number): void {
    this.lastPublishAt = now;
  }
}
