/**
 * How the learning rate evolves over a run, as a function of the fraction of the run done.
 * `cosine` anneals from the base rate to `minFactor`× of it; `step` multiplies it by `gamma` at
 * each listed fraction; `constant` keeps it. Any of them may start with a linear warm-up.
 */
export type LearningRateSchedule =
  | { kind: 'constant'; warmupFraction?: number }
  | { kind: 'cosine'; minFactor?: number; warmupFraction?: number }
  | { kind: 'step'; milestones: number[]; gamma?: number; warmupFraction?: number };

/**
 * The learning rate at `progress` ∈ [0, 1] of a run whose base rate is `base`.
 *
 * @example
 * learningRateAt(1e-3, { kind: 'cosine' }, 0.5); // 5e-4
 * learningRateAt(1e-3, { kind: 'step', milestones: [0.5], gamma: 0.1 }, 0.75); // 1e-4
 */
export function learningRateAt(base: number, schedule: LearningRateSchedule, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  const warmup = schedule.warmupFraction ?? 0;
  // Warm-up ramps from a small non-zero rate so that the very first step already learns.
  const ramp = warmup > 0 && p < warmup ? (p + warmup / 10) / (warmup * 1.1) : 1;
  switch (schedule.kind) {
    case 'constant':
      return base * ramp;
    case 'cosine': {
      const min = schedule.minFactor ?? 0;
      return base * ramp * (min + (1 - min) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
    case 'step': {
      const passed = schedule.milestones.filter((m) => p >= m).length;
      return base * ramp * Math.pow(schedule.gamma ?? 0.1, passed);
    }
  }
}

/**
 * Validates a schedule, naming the offending field.
 *
 * @example
 * checkSchedule({ kind: 'cosine', minFactor: 0.01 });
 */
export function checkSchedule(schedule: LearningRateSchedule, field = 'schedule'): void {
  const warmup = schedule.warmupFraction;
  if (warmup !== undefined && !(warmup >= 0 && warmup < 1)) throw new Error(`${field}.warmupFraction must be in [0, 1), got ${warmup}`);
  if (schedule.kind === 'cosine' && schedule.minFactor !== undefined && !(schedule.minFactor >= 0 && schedule.minFactor <= 1)) {
    throw new Error(`${field}.minFactor must be in [0, 1], got ${schedule.minFactor}`);
  }
  if (schedule.kind === 'step') {
    if (!Array.isArray(schedule.milestones) || schedule.milestones.some((m) => !(m > 0 && m < 1))) {
      throw new Error(`${field}.milestones must be fractions in (0, 1), got ${JSON.stringify(schedule.milestones)}`);
    }
    if (schedule.gamma !== undefined && !(schedule.gamma > 0)) throw new Error(`${field}.gamma must be > 0, got ${schedule.gamma}`);
  }
  if (!['constant', 'cosine', 'step'].includes(schedule.kind)) throw new Error(`${field}.kind must be constant, cosine or step, got ${String((schedule as { kind: unknown }).kind)}`);
}
