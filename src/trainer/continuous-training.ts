import type { Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import { BestWeights } from './best-weights';
import type { HoldoutScore } from './holdout-evaluator';
import { PlateauTracker } from './plateau-tracker';
import type { PublicationCadence } from './publication-cadence';
import type { TrainerMetrics } from './trainer-metrics';

export interface ContinuousTrainingOptions {
  /** TRAINER_EVAL_EVERY_STEPS: steps between two holdout evaluations (default 200). */
  evaluateEverySteps?: number;
  /** TRAINER_PATIENCE: evaluations without improvement before training pauses (default 5). */
  patience?: number;
  /** TRAINER_MIN_DELTA: the least gain of the holdout score that counts as an improvement (default 0.002). */
  minDelta?: number;
}

/** `active`: training; `plateaued`: the holdout stopped improving; `waiting-for-data`: nothing (more) to train on. */
export type TrainingState = 'active' | 'plateaued' | 'waiting-for-data';

/** What the trainer's status shows of its training. */
export interface TrainingStatus {
  state: TrainingState;
  /** Whether the holdout is large enough to judge training by (else each arrival of feedback grants a number of steps). */
  judgedByHoldout: boolean;
  metric?: string;
  bestScore?: number;
  bestStep?: number;
  lastScore?: number;
  evaluations: number;
  evaluationsSinceImprovement: number;
  patience: number;
}

export interface ContinuousTrainingDeps {
  options?: ContinuousTrainingOptions;
  /** Held-out queries, triplets or pairs needed to judge by the holdout (the gate's GATE_MIN_HELD_OUT). */
  minHeldOut: number;
  /** Held-out labelled items plus constraints: below `minHeldOut` the holdout cannot judge, whatever they score. */
  heldOutSize: () => number;
  /** Scores the encoder as it is now on the holdout. */
  evaluate: () => Promise<HoldoutScore | undefined>;
  encoder: () => Encoder;
  cadence: PublicationCadence;
  metrics: TrainerMetrics;
  log: Logger;
}

/**
 * When the trainer trains. With a holdout large enough to judge, it trains on while the holdout
 * score still rises: every `evaluateEverySteps` steps it scores the encoder, keeps the
 * best-scoring weights, and after `patience` evaluations without a gain above `minDelta` it
 * puts the best weights back, asks for them to be published (unless they are what was
 * published last) and stops spending CPU. New feedback starts a new search for the best. With a
 * smaller holdout, each arrival of feedback grants the cadence's steps, as before. Either way,
 * training waits while the memory holds nothing to train on.
 *
 * @example
 * const training = new ContinuousTraining({ minHeldOut: 50, heldOutSize, evaluate, encoder: () => encoder, cadence, metrics, log });
 * while (training.wantsSteps()) { builder.step(); cadence.stepped(); await training.stepped(step++); }
 * training.signalled(); // new feedback: training resumes
 */
export class ContinuousTraining {
  private readonly tracker: PlateauTracker;
  private readonly best = new BestWeights();
  private readonly every: number;
  private stepsSinceEvaluation = 0;
  private nothingToTrain = false;
  /** Held-out size at which the holdout last could not judge (it is asked again once that changes). */
  private unjudgeableAt: number | undefined;
  private metric: string | undefined;
  /** The step the encoder's weights are from, and the one the last publication's were from. */
  private weightsStep: number | undefined;
  private publishedStep: number | undefined;

  constructor(private readonly deps: ContinuousTrainingDeps) {
    const options = deps.options ?? {};
    this.every = options.evaluateEverySteps ?? 200;
    if (!(Number.isInteger(this.every) && this.every >= 1)) throw new Error(`evaluateEverySteps: expected a positive integer, got ${this.every}`);
    this.tracker = new PlateauTracker({ patience: options.patience ?? 5, minDelta: options.minDelta ?? 0.002 });
    this.exportState();
  }

  /** Whether the holdout is large enough to judge training by. */
  get judgedByHoldout(): boolean {
    const size = this.deps.heldOutSize();
    return size >= this.deps.minHeldOut && size !== this.unjudgeableAt;
  }

  get state(): TrainingState {
    if (!this.nothingToTrain && this.judgedByHoldout && this.tracker.plateaued) return 'plateaued';
    return this.wantsSteps() ? 'active' : 'waiting-for-data';
  }

  /** Whether a training step is due (the CPU budget aside). */
  wantsSteps(): boolean {
    if (this.nothingToTrain) return false;
    return this.deps.cadence.trainingBudget > 0 || (this.judgedByHoldout && !this.tracker.plateaued);
  }

  /** New feedback arrived: what can be learnt changed, so the search for the best weights starts over. */
  signalled(): void {
    const resumed = this.state === 'plateaued';
    this.tracker.reset();
    this.best.forget();
    this.nothingToTrain = false;
    if (resumed) this.deps.log.info('new feedback: training resumes');
    this.exportState();
  }

  /** The memory holds nothing to train on. */
  exhausted(): void {
    this.nothingToTrain = true;
    this.deps.cadence.exhausted();
    this.exportState();
  }

  /** A step was taken (the `step`-th overall); evaluates the holdout when one is due. */
  async stepped(step: number): Promise<void> {
    this.weightsStep = step;
    if (++this.stepsSinceEvaluation < this.every || !this.judgedByHoldout) return;
    this.stepsSinceEvaluation = 0;
    const result = await this.deps.evaluate();
    this.deps.metrics.holdoutEvaluations.inc();
    if (!result) {
      this.unjudgeableAt = this.deps.heldOutSize();
    } else {
      if (result.metric !== this.metric) this.tracker.reset();
      this.metric = result.metric;
      const verdict = this.tracker.record(result.score, step);
      if (verdict.best) this.best.keep(this.deps.encoder(), step);
      if (verdict.plateaued) this.settle();
    }
    this.exportState();
  }

  /** The encoder's weights as they are now were handed to the publisher. */
  published(): void {
    this.publishedStep = this.weightsStep;
  }

  status(): TrainingStatus {
    const t = this.tracker;
    return {
      state: this.state,
      judgedByHoldout: this.judgedByHoldout,
      ...(this.metric !== undefined ? { metric: this.metric } : {}),
      ...(t.bestScore !== undefined ? { bestScore: t.bestScore, bestStep: t.bestStep } : {}),
      ...(t.lastScore !== undefined ? { lastScore: t.lastScore } : {}),
      evaluations: t.evaluations,
      evaluationsSinceImprovement: t.evaluationsSinceImprovement,
      patience: t.options.patience,
    };
  }

  /** The holdout plateaued: the best weights go back in, and are published unless they were already. */
  private settle(): void {
    const bestStep = this.best.restore(this.deps.encoder());
    if (bestStep !== undefined) this.weightsStep = bestStep;
    this.deps.cadence.exhausted();
    if (this.weightsStep !== this.publishedStep) this.deps.cadence.requestPublication();
    const { bestScore, lastScore } = this.tracker;
    this.deps.log.info({ metric: this.metric, bestScore, bestStep, lastScore, patience: this.tracker.options.patience }, 'holdout plateaued: training paused with the best weights until new feedback arrives');
  }

  private exportState(): void {
    const { metrics } = this.deps;
    const state = this.state;
    for (const s of ['active', 'plateaued', 'waiting-for-data'] as const) metrics.trainingState.set({ state: s }, s === state ? 1 : 0);
    metrics.evaluationsSinceImprovement.set(this.tracker.evaluationsSinceImprovement);
    metrics.holdoutBestScore.reset();
    if (this.metric !== undefined && this.tracker.bestScore !== undefined) metrics.holdoutBestScore.set({ metric: this.metric }, this.tracker.bestScore);
  }
}
