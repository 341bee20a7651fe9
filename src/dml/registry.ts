import type { z } from 'zod';
import type { MetricLoss } from './losses/metric-loss';
import type { LossRegistration } from './losses/loss-registration';
import type { Miner } from './miners/miner';
import type { MinerRegistration } from './miners/miner-registration';
import { withParts } from './option-parts';
import { lossNames, minerNames, registeredLosses, registeredMiners, type LossName, type MinerName } from './registered';

export { lossNames, minerNames, type LossName, type MinerName } from './registered';

type LossRegistrationOf<N extends LossName> = Awaited<ReturnType<(typeof registeredLosses)[N]>>['registration'];
type MinerRegistrationOf<N extends MinerName> = Awaited<ReturnType<(typeof registeredMiners)[N]>>['registration'];
export type LossOptions<N extends LossName> = z.input<LossRegistrationOf<N>['options']>;
export type MinerOptions<N extends MinerName> = z.input<MinerRegistrationOf<N>['options']>;

const losses = await loadRegistrations<LossRegistration>(registeredLosses);
const miners = await loadRegistrations<MinerRegistration>(registeredMiners);

/** Option schemas per loss name; every field is optional and defaults to the paper's value. */
export const lossOptionSchemas = schemasOf(losses) as { [N in LossName]: LossRegistrationOf<N>['options'] };
/** Option schemas per miner name. `none` means "use every pair/triplet" and creates no miner. */
export const minerOptionSchemas = schemasOf(miners) as { [N in MinerName]: MinerRegistrationOf<N>['options'] };

/**
 * A loss from its name and plain options (e.g. from a CLI flag or a JSON config). Options are
 * validated; unknown names and bad fields raise an error naming them.
 *
 * @example
 * const loss = createLoss('triplet', { margin: 0.2, distance: 'cosine' });
 */
export function createLoss<N extends LossName>(name: N, options?: LossOptions<N>): MetricLoss;
export function createLoss(name: string, options?: unknown): MetricLoss;
export function createLoss(name: string, options: unknown = {}): MetricLoss {
  const registration = losses.get(name);
  if (!registration) throw new Error(`createLoss: unknown loss '${name}'; expected one of ${lossNames.join(', ')}`);
  return registration.create(withParts(parse(`createLoss('${name}')`, registration.options, options)));
}

/**
 * A miner from its name and plain options; `none` returns null (the loss then uses every
 * valid pair or triplet of the batch).
 *
 * @example
 * const miner = createMiner('semi-hard', { margin: 0.2 });
 * const indices = miner?.mine(embeddings, labels);
 */
export function createMiner<N extends MinerName>(name: N, options?: MinerOptions<N>): Miner | null;
export function createMiner(name: string, options?: unknown): Miner | null;
export function createMiner(name: string, options: unknown = {}): Miner | null {
  const registration = miners.get(name);
  if (!registration) throw new Error(`createMiner: unknown miner '${name}'; expected one of ${minerNames.join(', ')}`);
  return registration.create(withParts(parse(`createMiner('${name}')`, registration.options, options)));
}

async function loadRegistrations<R extends { name: string }>(modules: Record<string, () => Promise<{ registration: unknown }>>): Promise<Map<string, R>> {
  const entries = await Promise.all(
    Object.entries(modules).map(async ([name, load]) => {
      const { registration } = (await load()) as { registration: R };
      // The name is written twice (list and file); a mismatch would build another loss than the one asked for.
      if (registration.name !== name) throw new Error(`registered '${name}' loads a registration named '${registration.name}'`);
      return [name, registration] as const;
    }),
  );
  return new Map(entries);
}

function schemasOf(registrations: Map<string, { options: z.ZodType }>): Record<string, z.ZodType> {
  return Object.fromEntries([...registrations].map(([name, r]) => [name, r.options]));
}

function parse(owner: string, schema: z.ZodType, options: unknown): Record<string, unknown> {
  const result = schema.safeParse(options ?? {});
  if (result.success) return result.data as Record<string, unknown>;
  const details = result.error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? `options.${issue.path.join('.')}` : 'options';
      const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : '';
      return `${path}${keys}: ${issue.message}`;
    })
    .join('; ');
  throw new Error(`${owner}: invalid ${details}`);
}
