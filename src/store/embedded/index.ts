export { openEmbeddedVectorStore, type EmbeddedVectorStore, type EmbeddedVectorStoreOptions, type AnnStatus } from './embedded-vector-store';
export type { AnnOptions } from './ann-settings';
