import type { Config } from '../config/load-config';
import type { Queue } from '../core/queue';
import type { WriteOptions } from './write-options';

/** How the service builds one queue adapter: from its own options, or from the settings. */
export interface QueueRegistration<K extends string = string, O extends object = object> {
  /** The value of `DISCERN_QUEUE` that picks this adapter. */
  readonly kind: K;
  create(options: O): Queue;
  /** The adapter's options from the service's settings (durable-write options are added by the caller). */
  fromConfig(config: Config): NoInfer<O>;
  /** The setting that points at the service this adapter connects to, named when `init` fails. */
  connectsTo?(config: Config): { setting: string; value: string };
}

/**
 * Declares a queue adapter; its folder exports it as `registration` from `registration.ts`, and
 * one line in `src/queue/registered.ts` names that file.
 *
 * @example
 * export const registration = defineQueue({
 *   kind: 'embedded',
 *   create: (options: EmbeddedQueueOptions) => createEmbeddedQueue(options),
 *   fromConfig: (config) => ({ dir: join(config.dataDir, 'queue') }),
 * });
 */
export function defineQueue<const K extends string, O extends object>(registration: QueueRegistration<K, O>): QueueRegistration<K, O> {
  return registration;
}
