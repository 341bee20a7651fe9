export { openEmbeddedVectorStore, type EmbeddedVectorStoreOptions } from './embedded-vector-store';
