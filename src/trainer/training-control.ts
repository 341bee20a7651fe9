import type { Encoder } from '../encoder/encoder';
import type { Logger } from '../log/logger';
import type { GateOptions } from './canary-gate';
import { ContinuousTraining, type TrainingStatus } from './continuous-training';
import { scoreEncoderOnHoldout } from './holdout-evaluator';
import type { Learner } from './learner';
import type { OnlineTrainerConfig } from './online-trainer-config';
import { PublicationCadence } from './publication-cadence';
import type { TrainerMetrics } from './trainer-metrics';
import { TrainingBudget } from './training-budget';

/** Held-out rows a training-time evaluation scores (the newest ones): enough for a stable MAP@R, quick to embed. */
const EVALUATION_ROWS = 2_000;

/**
 * What decides when the trainer trains and publishes, built from its configuration: the
 * publication cadence, continuous training judged on the holdout (or on the evaluation set
 * the configuration names), and the CPU budget.
 *
 * @example
 * const { cadence, training, budget, status } = createTrainingControl(config, { learner: () => learner, encoder: () => encoder, gate, metrics, log });
 */
export function createTrainingControl(
  config: OnlineTrainerConfig,
  deps: { learner: () => Learner | undefined; encoder: () => Encoder; gate: GateOptions | undefined; metrics: TrainerMetrics; log: Logger },
) {
  const cadence = new PublicationCadence({
    everySteps: config.publishEverySteps,
    everySeconds: config.publishEverySeconds,
    freshnessSeconds: config.feedbackFreshnessSeconds,
    stepsAfterSignal: config.stepsAfterSignal,
    minSteps: config.publishMinSteps,
  });
  const minHeldOut = deps.gate?.minHeldOut ?? 50;
  const heldOut = () => deps.learner()?.memory.heldOut;
  const training = new ContinuousTraining({
    options: config,
    minHeldOut,
    heldOutSize: () => (config.evaluation ? config.evaluation.labels.length : (heldOut()?.labelledCount ?? 0) + (heldOut()?.constraintCount ?? 0)),
    // Evaluations run only while training, once the learner exists.
    evaluate: () => scoreEncoderOnHoldout(deps.encoder(), config.evaluation ?? heldOut()!.snapshot(deps.learner()!.catalog, EVALUATION_ROWS), minHeldOut),
    encoder: deps.encoder,
    cadence,
    metrics: deps.metrics,
    log: deps.log,
  });
  const budget = new TrainingBudget({ fraction: config.cpuBudget ?? 1 });
  return {
    cadence,
    training,
    budget,
    /** The trainer status's `training`. */
    status(): TrainingStatus & { cpuBudget: number; trainingSeconds: number; restSeconds: number } {
      return { ...training.status(), cpuBudget: budget.share, trainingSeconds: budget.workedMs / 1000, restSeconds: budget.owedRestMs / 1000 };
    },
  };
}
