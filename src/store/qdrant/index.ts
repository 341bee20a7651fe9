export { createQdrantVectorStore, type QdrantVectorStoreOptions } from './qdrant-vector-store';
export { toQdrantPointId } from './point-id';
