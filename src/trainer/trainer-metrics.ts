import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Sources named in per-source series; later ones are counted as `other`. */
const MAX_NAMED_SOURCES = 100;

/**
 * Prometheus metrics of the online trainer, on their own registry (one per trainer, so tests
 * and embedded runs never collide on metric names); expose `registry.metrics()` or merge it.
 *
 * @example
 * const metrics = createTrainerMetrics();
 * metrics.eventsConsumed.inc({ topic: 'feedback' });
 * const text = await metrics.registry.metrics();
 */
export function createTrainerMetrics(registry: Registry = new Registry()) {
  const registers = [registry];
  const namedSources = new Set<string>();
  return {
    /**
     * The `source` label of a feedback source: its name for the first MAX_NAMED_SOURCES sources
     * seen, `other` after that, so a client minting sources cannot grow the series without bound.
     */
    sourceLabel(source: string): string {
      if (namedSources.has(source)) return source;
      if (namedSources.size >= MAX_NAMED_SOURCES) return 'other';
      namedSources.add(source);
      return source;
    },
    feedbackVerdicts: new Counter({
      name: 'discern_trainer_feedback_verdicts_total',
      help: 'Feedback judged by the poisoning guard, per source, kind (label, pair, triplet) and verdict (accepted; down_weighted: outvoted, contested, contradicting or from a suspect source)',
      labelNames: ['source', 'kind', 'verdict'] as const,
      registers,
    }),
    registry,
    /** `rate(discern_trainer_events_consumed_total[1m])` gives events/s. */
    eventsConsumed: new Counter({ name: 'discern_trainer_events_consumed_total', help: 'Records consumed, per topic', labelNames: ['topic'] as const, registers }),
    deadLetters: new Counter({ name: 'discern_trainer_dead_letters_total', help: 'Records sent to the dead-letter topic, per source topic', labelNames: ['topic'] as const, registers }),
    lag: new Gauge({ name: 'discern_trainer_lag', help: 'Records not yet committed by the trainer, per topic', labelNames: ['topic'] as const, registers }),
    loss: new Gauge({ name: 'discern_trainer_loss', help: 'Loss of the last finite training step', registers }),
    steps: new Counter({ name: 'discern_trainer_steps_total', help: 'Training steps run (including skipped ones)', registers }),
    skippedSteps: new Counter({ name: 'discern_trainer_skipped_steps_total', help: 'Training steps skipped for a non-finite loss or gradient', registers }),
    backend: new Gauge({ name: 'discern_trainer_backend_info', help: 'TF.js backend the trainer runs on (value 1)', labelNames: ['backend'] as const, registers }),
    modelVersion: new Gauge({ name: 'discern_trainer_model_version', help: 'Number of the live model version (v000012 → 12)', registers }),
    reembedSeconds: new Histogram({
      name: 'discern_trainer_reembed_seconds',
      help: 'Time to re-embed the whole catalog for a new model version',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    publications: new Counter({ name: 'discern_trainer_publications_total', help: 'Model versions published', registers }),
    candidatesRejected: new Counter({ name: 'discern_trainer_candidates_rejected_total', help: 'Candidate versions the canary gate kept from going live', registers }),
    holdoutScore: new Gauge({
      name: 'discern_trainer_holdout_score',
      help: 'Holdout metrics of the live version (version="live") and of raw input (version="raw_input") when the live version was published',
      labelNames: ['version', 'metric'] as const,
      registers,
    }),
    trainingState: new Gauge({ name: 'discern_trainer_training_state', help: 'Whether training is active, plateaued (the holdout stopped improving) or waiting for data (1 for the current state)', labelNames: ['state'] as const, registers }),
    holdoutBestScore: new Gauge({ name: 'discern_trainer_holdout_best_score', help: 'Best holdout score of the weights trained since the last new feedback, in the primary metric', labelNames: ['metric'] as const, registers }),
    evaluationsSinceImprovement: new Gauge({ name: 'discern_trainer_evaluations_since_improvement', help: 'Holdout evaluations since the score last improved (training pauses at TRAINER_PATIENCE)', registers }),
    holdoutEvaluations: new Counter({ name: 'discern_trainer_holdout_evaluations_total', help: 'Holdout evaluations of the encoder during training', registers }),
    trainingSeconds: new Counter({ name: 'discern_trainer_training_seconds_total', help: 'Wall time spent in training steps and holdout evaluations', registers }),
    restSeconds: new Counter({ name: 'discern_trainer_rest_seconds_total', help: 'Rest the CPU budget (TRAINER_CPU_BUDGET) imposed after training', registers }),
  };
}

export type TrainerMetrics = ReturnType<typeof createTrainerMetrics>;
