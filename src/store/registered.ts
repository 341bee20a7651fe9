/**
 * Every vector store adapter, by its `DISCERN_VECTOR_STORE` value, each a line naming the file
 * that exports its `registration`. The adapters load only when `./index` is imported, so reading
 * the kinds (settings) loads no client library.
 */
export const registeredVectorStores = {
  embedded: () => import('./embedded/registration'),
  qdrant: () => import('./qdrant/registration'),
} as const;

export type VectorStoreKind = keyof typeof registeredVectorStores;

/** Vector store kinds in registration order, e.g. for `DISCERN_VECTOR_STORE`. */
export const vectorStoreKinds = Object.keys(registeredVectorStores) as [VectorStoreKind, ...VectorStoreKind[]];
