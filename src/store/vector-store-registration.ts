import type { Config } from '../config/load-config';
import type { VectorStore } from '../core/vector-store';

/** How the service opens one vector store adapter: from its own options, or from the settings. */
export interface VectorStoreRegistration<K extends string = string, O extends object = object> {
  /** The value of `DISCERN_VECTOR_STORE` that picks this adapter. */
  readonly kind: K;
  open(options: O): Promise<VectorStore>;
  /** The adapter's options from the service's settings. */
  fromConfig(config: Config): NoInfer<O>;
}

/**
 * Declares a vector store adapter; its folder exports it as `registration` from
 * `registration.ts`, and one line in `src/store/registered.ts` names that file.
 *
 * @example
 * export const registration = defineVectorStore({
 *   kind: 'embedded',
 *   open: (options: { dir: string }) => openEmbeddedVectorStore(options),
 *   fromConfig: (config) => ({ dir: join(config.dataDir, 'vectors') }),
 * });
 */
export function defineVectorStore<const K extends string, O extends object>(registration: VectorStoreRegistration<K, O>): VectorStoreRegistration<K, O> {
  return registration;
}
