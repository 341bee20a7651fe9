import type { z } from 'zod';
import type { WithParts } from '../option-parts';
import type { MetricLoss } from './metric-loss';

/** How the registry builds one loss by name: its validated plain options and its constructor. */
export interface LossRegistration<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  /** Every field optional, defaulting to the paper's value; unknown fields are refused. */
  readonly options: S;
  create(options: WithParts<z.output<S>>): MetricLoss;
}

/**
 * Declares how a loss is built from plain options; the loss's own file exports it as
 * `registration`, and one line in `src/dml/registered.ts` names that file.
 *
 * @example
 * export const registration = defineLoss({
 *   name: 'triplet',
 *   options: z.strictObject({ distance: distanceOption, margin: finiteOption }).partial(),
 *   create: (options) => new TripletMarginLoss(options),
 * });
 */
export function defineLoss<const N extends string, S extends z.ZodType>(registration: LossRegistration<N, S>): LossRegistration<N, S> {
  return registration;
}
