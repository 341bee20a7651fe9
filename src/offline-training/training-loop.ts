import * as tf from '@tensorflow/tfjs-core';
import { createLogger, type Logger } from '../log/logger';
import { createProgress } from '../progress/progress';
import { checkSchedule, learningRateAt, type LearningRateSchedule } from './learning-rate-schedule';

/** When a run stops: the first limit reached ends it. At least one must be given. */
export interface TrainingBudget {
  /** Optimisation steps. */
  steps?: number;
  /** Passes over the training set, converted to steps (`ceil(epochs · items / batch)`). */
  epochs?: number;
  /** Wall-clock limit in seconds, checked between steps. */
  maxSeconds?: number;
}

/** What a finished run reports. */
export interface TrainingSummary {
  /** Steps that updated the weights. */
  steps: number;
  /** Steps whose loss or gradients were not finite; the weights were left unchanged. */
  skippedSteps: number;
  /** Examples that went through the network (each augmented view counts). */
  samples: number;
  /** `samples` over the training set size. */
  epochs: number;
  seconds: number;
  samplesPerSecond: number;
  /** Loss of the last finite step (NaN when none was finite). */
  finalLoss: number;
  /** Mean loss over the last 10% of steps (at least one), a steadier read than `finalLoss`. */
  recentLoss: number;
  /** Loss of the first finite step. */
  initialLoss: number;
  /** TF.js backend the run used. */
  backend: string;
  stoppedBy: 'steps' | 'time' | 'aborted';
  /** Per-step losses, in order (NaN for skipped steps). */
  lossHistory: number[];
}

/** What one step did. */
export interface StepOutcome {
  loss: number;
  skipped: boolean;
}

/** Passed to `onStep` after every step. */
export interface StepReport {
  step: number;
  loss: number;
  learningRate: number;
  skipped: boolean;
  elapsedSeconds: number;
}

export interface TrainingLoopOptions extends TrainingBudget {
  /** Examples one step consumes (for epochs and throughput). */
  samplesPerStep: number;
  /** Items in the training set (for epochs). */
  datasetSize: number;
  learningRate: number;
  schedule: LearningRateSchedule;
  /** Runs one step at the given learning rate. */
  step: (learningRate: number) => StepOutcome | Promise<StepOutcome>;
  /** Stops the run between steps. */
  signal?: AbortSignal;
  onStep?: (report: StepReport) => void;
  log?: Logger;
  /** Message of the progress log lines. */
  message: string;
  progressIntervalMs?: number;
}

/**
 * Drives a training run: enforces the budget (steps, epochs or seconds, whichever ends first),
 * anneals the learning rate over the fraction of the budget used, counts skipped steps,
 * reports progress with rate and ETA, and yields to the event loop now and then so that a
 * server hosting the run stays responsive. With only `maxSeconds`, the schedule follows the
 * clock, so the run length (not the step count) is what is reproducible.
 *
 * @example
 * const summary = await runTrainingLoop({ steps: 100, samplesPerStep: 64, datasetSize: 1000, learningRate: 1e-3,
 *   schedule: { kind: 'cosine' }, message: 'training', step: (lr) => myStep(lr) });
 */
export async function runTrainingLoop(options: TrainingLoopOptions): Promise<TrainingSummary> {
  const totalSteps = checkBudget(options, options.samplesPerStep, options.datasetSize);
  checkSchedule(options.schedule);
  if (!(options.learningRate > 0)) throw new Error(`learningRate must be > 0, got ${options.learningRate}`);
  const log = options.log ?? createLogger('train');
  const progress = createProgress({ unit: 'steps', total: totalSteps, log, message: options.message, intervalMs: options.progressIntervalMs });
  const maxMs = options.maxSeconds !== undefined ? options.maxSeconds * 1000 : Infinity;
  const started = Date.now();
  const losses: number[] = [];
  let skipped = 0;
  let stoppedBy: TrainingSummary['stoppedBy'] = 'steps';
  let lastYield = started;

  for (let step = 0; ; step++) {
    const elapsedMs = Date.now() - started;
    if (totalSteps !== undefined && step >= totalSteps) break;
    if (elapsedMs >= maxMs) {
      stoppedBy = 'time';
      break;
    }
    if (options.signal?.aborted) {
      stoppedBy = 'aborted';
      break;
    }
    const fraction = Math.max(totalSteps !== undefined ? step / totalSteps : 0, Number.isFinite(maxMs) ? elapsedMs / maxMs : 0);
    const learningRate = learningRateAt(options.learningRate, options.schedule, fraction);
    const outcome = await options.step(learningRate);
    losses.push(outcome.skipped ? NaN : outcome.loss);
    if (outcome.skipped) {
      skipped++;
      log.warn({ step, loss: outcome.loss }, 'non-finite loss or gradient: step skipped');
    }
    progress.tick(1, { loss: outcome.loss, lr: learningRate });
    options.onStep?.({ step, loss: outcome.loss, learningRate, skipped: outcome.skipped, elapsedSeconds: (Date.now() - started) / 1000 });
    if (Date.now() - lastYield > 200) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
  }

  const seconds = (Date.now() - started) / 1000;
  const finite = losses.filter(Number.isFinite);
  const tail = finite.slice(-Math.max(1, Math.ceil(finite.length / 10)));
  const steps = losses.length - skipped;
  const samples = losses.length * options.samplesPerStep;
  const summary: TrainingSummary = {
    steps,
    skippedSteps: skipped,
    samples,
    epochs: samples / options.datasetSize,
    seconds,
    samplesPerSecond: seconds > 0 ? samples / seconds : 0,
    finalLoss: finite.length ? finite[finite.length - 1] : NaN,
    recentLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN,
    initialLoss: finite.length ? finite[0] : NaN,
    backend: tf.getBackend(),
    stoppedBy,
    lossHistory: losses,
  };
  const { lossHistory: _history, ...logged } = summary;
  progress.done({ ...logged });
  return summary;
}

/**
 * Validates the budget and returns the step limit it implies (undefined: time only).
 *
 * @example
 * checkBudget({ epochs: 2, steps: 500 }, 100, 10_000); // 200: two epochs end first
 */
export function checkBudget(budget: TrainingBudget, samplesPerStep: number, datasetSize: number): number | undefined {
  const { steps, epochs, maxSeconds } = budget;
  if (steps === undefined && epochs === undefined && maxSeconds === undefined) throw new Error('set at least one of steps, epochs or maxSeconds');
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 0)) throw new Error(`steps must be a non-negative integer, got ${steps}`);
  if (epochs !== undefined && !(epochs > 0)) throw new Error(`epochs must be > 0, got ${epochs}`);
  if (maxSeconds !== undefined && !(maxSeconds > 0)) throw new Error(`maxSeconds must be > 0, got ${maxSeconds}`);
  const fromEpochs = epochs !== undefined ? Math.ceil((epochs * datasetSize) / samplesPerStep) : undefined;
  if (steps === undefined) return fromEpochs;
  return fromEpochs === undefined ? steps : Math.min(steps, fromEpochs);
}
