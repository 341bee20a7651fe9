import type { Config } from '../config/load-config';
import type { ModelStore } from '../core/model-store';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { createFsModelStore } from './model-fs';
import { createHttpModelStore } from './model-http';
import { registeredVectorStores, vectorStoreKinds, type VectorStoreKind } from './registered';
import type { VectorStoreRegistration } from './vector-store-registration';

type RegistrationOf<K extends VectorStoreKind> = Awaited<ReturnType<(typeof registeredVectorStores)[K]>>['registration'];

/** The options of any registered vector store adapter, told apart by `kind`. */
export type VectorStoreConfig = { [K in VectorStoreKind]: { kind: K } & Parameters<RegistrationOf<K>['open']>[0] }[VectorStoreKind];

export type ModelStoreConfig = { kind: 'fs'; dir: string } | { kind: 'http'; url: string; cacheDir: string; apiKey?: string };

const registrations = new Map<string, VectorStoreRegistration>(
  await Promise.all(
    Object.entries(registeredVectorStores).map(async ([kind, load]) => {
      const { registration } = (await load()) as { registration: VectorStoreRegistration };
      // The kind is written twice (list and file); a mismatch would open another store than the one asked for.
      if (registration.kind !== kind) throw new Error(`registered vector store '${kind}' loads a registration of kind '${registration.kind}'`);
      return [kind, registration] as const;
    }),
  ),
);

function registrationOf(kind: unknown): VectorStoreRegistration {
  const registration = typeof kind === 'string' ? registrations.get(kind) : undefined;
  if (!registration) {
    throw new VectorStoreError(`kind: must be ${vectorStoreKinds.map((k) => `'${k}'`).join(' or ')} (got ${JSON.stringify(kind)})`, 'invalid_argument', 'kind');
  }
  return registration;
}

/**
 * Opens the vector store of `config.kind` from its own options.
 *
 * @example
 * const vectors = await createVectorStore({ kind: 'embedded', dir: '.data/vectors' });
 * const remote = await createVectorStore({ kind: 'qdrant', url: 'http://localhost:6333' });
 */
export async function createVectorStore(config: VectorStoreConfig): Promise<VectorStore> {
  return registrationOf((config as { kind?: unknown } | undefined)?.kind).open(config);
}

/**
 * Opens the vector store the service's settings name (`DISCERN_VECTOR_STORE` and that adapter's settings).
 *
 * @example
 * const vectors = await vectorStoreFromConfig(loadConfig());
 */
export async function vectorStoreFromConfig(config: Config): Promise<VectorStore> {
  const registration = registrationOf(config.vectorStore.kind);
  return registration.open(registration.fromConfig(config));
}

/**
 * Opens the model store the configuration names: the local filesystem, or one served over HTTP
 * by another process (read-only, cached locally).
 *
 * @example
 * const models = createModelStore({ kind: 'fs', dir: '.data' });
 * const shared = createModelStore({ kind: 'http', url: 'http://trainer:8090', cacheDir: '.data/model-cache' });
 */
export function createModelStore(config: ModelStoreConfig): ModelStore {
  if (config?.kind === 'http') return createHttpModelStore({ url: config.url, cacheDir: config.cacheDir, apiKey: config.apiKey });
  if (config?.kind !== 'fs') throw new Error(`kind: must be 'fs' or 'http' (got ${JSON.stringify((config as { kind?: unknown })?.kind)})`);
  return createFsModelStore({ dir: config.dir });
}

export { nextModelVersionId } from './model-fs';
export { vectorStoreKinds, type VectorStoreKind } from './registered';
