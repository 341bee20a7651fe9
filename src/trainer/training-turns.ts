import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Logger } from '../log/logger';
import type { ContinuousTraining } from './continuous-training';
import type { Learner } from './learner';
import type { PublicationCadence } from './publication-cadence';
import type { TrainingBudget } from './training-budget';
import type { TrainerMetrics } from './trainer-metrics';
import type { TrainerStatus } from './trainer-status';

/** Share of the time training may take while a backlog is read (one step can take a second on a busy CPU). */
const BACKLOG_TRAIN_SHARE = 0.1;
/** Longest a turn trains before the loop reads records again. */
const TURN_MS = 250;

export interface TrainingTurnsDeps {
  training: ContinuousTraining;
  cadence: PublicationCadence;
  budget: TrainingBudget;
  metrics: TrainerMetrics;
  /** Where `lastLoss` goes. */
  status: TrainerStatus;
  log: Logger;
  /** Steps taken before this process started (from the checkpoint). */
  stepsBefore: () => number;
  stopping: () => boolean;
}

/**
 * The trainer's turns of training between reads of the queue: steps while `training` wants them
 * and the CPU budget allows, for at most a quarter of a second, at most a tenth of the time
 * while a backlog is read. Each step's time (and a holdout evaluation's, when one falls due)
 * is charged to the budget, so the loop knows how long it may wait for records.
 *
 * @example
 * const turns = createTrainingTurns({ training, cadence, budget, metrics, status, log, stepsBefore: () => 0, stopping: () => false });
 * await consumer.poll(256, turns.pollWaitMs(500));
 * const steps = await turns.take(learner, { backlogged: false });
 */
export function createTrainingTurns(deps: TrainingTurnsDeps) {
  const { training, cadence, budget, metrics, status, log } = deps;
  return {
    /** Trains one turn; resolves with the steps it took. */
    async take({ builder }: Learner, { backlogged }: { backlogged: boolean }): Promise<number> {
      budget.limit(backlogged ? BACKLOG_TRAIN_SHARE : 1);
      const until = Date.now() + (backlogged ? 0 : TURN_MS);
      let steps = 0;
      for (let first = true; training.wantsSteps() && !deps.stopping() && budget.restMs() === 0 && (first || Date.now() < until); first = false) {
        const started = performance.now();
        const result = builder.step();
        if (!result) {
          training.exhausted();
          break;
        }
        steps++;
        cadence.stepped();
        metrics.steps.inc();
        if (result.skipped) {
          metrics.skippedSteps.inc();
          log.warn({ step: deps.stepsBefore() + builder.steps, loss: result.loss }, 'skipped a training step with a non-finite loss');
        } else {
          status.lastLoss = result.loss;
          metrics.loss.set(result.loss);
        }
        await training.stepped(deps.stepsBefore() + builder.steps);
        const workedMs = performance.now() - started;
        metrics.trainingSeconds.inc(workedMs / 1000);
        metrics.restSeconds.inc(budget.spent(workedMs) / 1000);
        // Lets an API served by the same process answer between steps.
        await yieldToEventLoop();
      }
      return steps;
    },

    /** How long the loop may wait for records: until the budget allows a step, or `idleMs` when none is wanted. */
    pollWaitMs(idleMs: number): number {
      return training.wantsSteps() ? Math.min(idleMs, Math.ceil(budget.restMs())) : idleMs;
    },
  };
}
