import { defineVectorStore } from '../vector-store-registration';
import { createQdrantVectorStore, type QdrantVectorStoreOptions } from './qdrant-vector-store';

type QdrantOptions = Pick<QdrantVectorStoreOptions, 'url' | 'apiKey' | 'batchSize' | 'timeoutMs' | 'quantization' | 'shards' | 'replicationFactor'>;

/** `DISCERN_VECTOR_STORE=qdrant`: the Qdrant server at `QDRANT_URL`. */
export const registration = defineVectorStore({
  kind: 'qdrant',
  open: async (o: QdrantOptions) =>
    createQdrantVectorStore({ url: o.url, apiKey: o.apiKey, batchSize: o.batchSize, timeoutMs: o.timeoutMs, quantization: o.quantization, shards: o.shards, replicationFactor: o.replicationFactor }),
  fromConfig: (config) => ({ ...config.vectorStore.qdrant }),
});
