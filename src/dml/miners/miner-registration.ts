import type { z } from 'zod';
import type { WithParts } from '../option-parts';
import type { Miner } from './miner';

/** How the registry builds one miner by name; `create` returns null for "use every pair/triplet". */
export interface MinerRegistration<N extends string = string, S extends z.ZodType = z.ZodType> {
  readonly name: N;
  readonly options: S;
  create(options: WithParts<z.output<S>>): Miner | null;
}

/**
 * Declares how a miner is built from plain options; the miner's own file exports it as
 * `registration`, and one line in `src/dml/registered.ts` names that file.
 *
 * @example
 * export const registration = defineMiner({
 *   name: 'batch-hard',
 *   options: z.strictObject({ distance: distanceOption }).partial(),
 *   create: (options) => new BatchHardMiner(options),
 * });
 */
export function defineMiner<const N extends string, S extends z.ZodType>(registration: MinerRegistration<N, S>): MinerRegistration<N, S> {
  return registration;
}
