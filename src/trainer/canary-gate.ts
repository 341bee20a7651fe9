/** Metrics a version scored on the holdout (see `scoreHoldout`). */
export type HoldoutMetrics = Record<string, number>;

export interface GateOptions {
  /** GATE_TOLERANCE: how far below the live version's primary metric a candidate may score. */
  tolerance: number;
  /** GATE_MIN_HELD_OUT: held-out queries / triplets / pairs needed before the gate judges. */
  minHeldOut: number;
  /**
   * GATE_NOISE_Z: a drop below the live version counts only when it also exceeds this many
   * standard errors of the paired candidate − live difference (`GateInput.noise`); 0: the
   * tolerance alone decides (default 0).
   */
  noiseZ?: number;
}

export interface GateInput {
  candidate: HoldoutMetrics;
  /** The live version's score on the same holdout; absent before the first publication. */
  live?: HoldoutMetrics;
  /** Cosine on the model's input (e.g. raw pixels) on the same holdout. */
  raw: HoldoutMetrics;
  /** Standard error of the candidate − live difference in the primary metric, per metric (e.g. `{ mapAtR: 0.012 }`), when known. */
  noise?: Record<string, number>;
}

export interface GateVerdict {
  accepted: boolean;
  reason: string;
  /** The metric judged on: `mapAtR`, `tripletAgreement` or `pairAuc`; absent when the holdout was too small. */
  primary?: string;
  candidate?: number;
  live?: number;
  raw?: number;
  /** The allowed drop below the live version: the tolerance, or `noiseZ` standard errors when more. */
  tolerance: number;
}

/** Primary metrics in order of preference, each with the count that says whether it can be trusted. */
export const PRIMARY = [
  { metric: 'mapAtR', count: 'heldOutQueries' },
  { metric: 'tripletAgreement', count: 'heldOutTriplets' },
  { metric: 'pairAuc', count: 'heldOutPairs' },
] as const;

/**
 * The canary gate: whether a candidate version may go live, judged on one primary metric of the
 * holdout — MAP@R when enough labelled items are held out, else triplet agreement, else pair AUC.
 * A candidate is rejected when it scores more than `tolerance` below the live version, or below
 * raw input unless it still improves on a live version that is itself below raw input (so a
 * service that starts worse than raw input can climb out). With `noiseZ` and the paired standard
 * error of candidate − live, the allowed drop widens to `noiseZ` standard errors where that is
 * more than the tolerance: on a small holdout two equally good versions differ by chance, and a
 * gate that rejected every such draw would freeze the live model at whichever version was lucky. Below `minHeldOut` the gate passes
 * and says so; the first version always goes live, since search needs one.
 *
 * @example
 * judgeCandidate({ candidate: { mapAtR: 0.3, heldOutQueries: 400 }, live: { mapAtR: 0.45, heldOutQueries: 400 }, raw: { mapAtR: 0.35, heldOutQueries: 400 } }, { tolerance: 0.01, minHeldOut: 50 });
 * // { accepted: false, reason: 'mapAtR 0.3000 is below the live version's 0.4500 by more than 0.01', … }
 */
export function judgeCandidate(input: GateInput, options: GateOptions): GateVerdict {
  const { minHeldOut } = options;
  const { candidate, live, raw } = input;
  const chosen = PRIMARY.find(({ metric, count }) => (candidate[count] ?? 0) >= minHeldOut && candidate[metric] !== undefined && raw[metric] !== undefined);
  if (!chosen) {
    const sizes = PRIMARY.map(({ count }) => `${count} ${candidate[count] ?? 0}`).join(', ');
    return { accepted: true, reason: `holdout too small to judge (${sizes}; the gate needs ${minHeldOut})`, tolerance: options.tolerance };
  }
  const { metric } = chosen;
  const noise = input.noise?.[metric];
  const tolerance = noise !== undefined && Number.isFinite(noise) ? Math.max(options.tolerance, (options.noiseZ ?? 0) * noise) : options.tolerance;
  const c = candidate[metric];
  const r = raw[metric];
  const l = live?.[metric];
  const scores = { primary: metric, candidate: c, raw: r, ...(l !== undefined ? { live: l } : {}), tolerance };
  if (!live) return { accepted: true, reason: `first version: nothing live to compare with (${metric} ${fmt(c)}, raw input ${fmt(r)})`, ...scores };
  if (l === undefined) return { accepted: true, reason: `the live version has no ${metric} on this holdout`, ...scores };
  const allowed = tolerance > options.tolerance ? `${fmt(tolerance)} (${options.noiseZ} standard errors of the paired difference)` : String(tolerance);
  if (c < l - tolerance) return { accepted: false, reason: `${metric} ${fmt(c)} is below the live version's ${fmt(l)} by more than ${allowed}`, ...scores };
  if (c < r && !(c > l)) return { accepted: false, reason: `${metric} ${fmt(c)} is below raw input's ${fmt(r)} and no better than the live version's ${fmt(l)}`, ...scores };
  return { accepted: true, reason: `${metric} ${fmt(c)} (live ${fmt(l)}, raw input ${fmt(r)}, tolerance ${allowed})`, ...scores };
}

function fmt(x: number): string {
  return x.toFixed(4);
}
