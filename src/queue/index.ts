import type { Config } from '../config/load-config';
import type { Queue } from '../core/queue';
import type { QueueRegistration } from './queue-registration';
import { queueKinds, registeredQueues, type QueueKind } from './registered';
import type { WriteOptions } from './write-options';

type RegistrationOf<K extends QueueKind> = Awaited<ReturnType<(typeof registeredQueues)[K]>>['registration'];

/** The options of any registered queue adapter, told apart by `kind`. */
export type QueueConfig = { [K in QueueKind]: { kind: K } & Parameters<RegistrationOf<K>['create']>[0] }[QueueKind];

const registrations = new Map<string, QueueRegistration>(
  await Promise.all(
    Object.entries(registeredQueues).map(async ([kind, load]) => {
      const { registration } = (await load()) as { registration: QueueRegistration };
      // The kind is written twice (list and file); a mismatch would open another queue than the one asked for.
      if (registration.kind !== kind) throw new Error(`registered queue '${kind}' loads a registration of kind '${registration.kind}'`);
      return [kind, registration] as const;
    }),
  ),
);

function registrationOf(kind: unknown): QueueRegistration {
  const registration = typeof kind === 'string' ? registrations.get(kind) : undefined;
  if (!registration) throw new TypeError(`kind: expected ${queueKinds.map((k) => `"${k}"`).join(' or ')}, got ${JSON.stringify(kind)}`);
  return registration;
}

/**
 * Builds the `Queue` adapter of `config.kind` from its own options.
 *
 * @example
 * const queue = createQueue(process.env.KAFKA_BROKERS
 *   ? { kind: 'kafka', brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'discern' }
 *   : { kind: 'embedded', dir: join(dataDir, 'queue') });
 * await queue.init();
 */
export function createQueue(config: QueueConfig): Queue {
  return registrationOf((config as { kind?: unknown } | undefined)?.kind).create(config);
}

/**
 * The queue the service's settings name (`DISCERN_QUEUE` and that adapter's settings), with the
 * setting that points at its service, when it has one.
 *
 * @example
 * const { queue, connectsTo } = queueFromConfig(loadConfig(), { lingerMs: 2 });
 */
export function queueFromConfig(config: Config, writes: WriteOptions): { queue: Queue; connectsTo?: { setting: string; value: string } } {
  const registration = registrationOf(config.queue.kind);
  return { queue: registration.create({ ...registration.fromConfig(config), ...writes }), connectsTo: registration.connectsTo?.(config) };
}

export { queueKinds, type QueueKind } from './registered';
export { TOPIC_NAMES } from './topics';
export { KAFKA_CLIENTS, type KafkaClient } from './kafka-clients';
