import type { ModelStore } from '../core/model-store';
import { VectorStoreError, type VectorStore } from '../core/vector-store';
import { openEmbeddedVectorStore } from './embedded';
import { createFsModelStore } from './model-fs';
import { createHttpModelStore } from './model-http';
import { createQdrantVectorStore } from './qdrant';

export type VectorStoreConfig =
  | { kind: 'embedded'; dir: string; compactAfterDeadRecords?: number }
  | { kind: 'qdrant'; url: string; apiKey?: string; batchSize?: number; timeoutMs?: number; quantization?: 'none' | 'int8'; shards?: number; replicationFactor?: number };

export type ModelStoreConfig = { kind: 'fs'; dir: string } | { kind: 'http'; url: string; cacheDir: string; apiKey?: string };

/**
 * Opens the vector store the configuration names; the only place that picks an adapter.
 *
 * @example
 * const vectors = await createVectorStore({ kind: 'embedded', dir: '.data/vectors' });
 * const remote = await createVectorStore({ kind: 'qdrant', url: 'http://localhost:6333' });
 */
export async function createVectorStore(config: VectorStoreConfig): Promise<VectorStore> {
  switch (config?.kind) {
    case 'embedded':
      return openEmbeddedVectorStore({ dir: config.dir, compactAfterDeadRecords: config.compactAfterDeadRecords });
    case 'qdrant':
      return createQdrantVectorStore({ url: config.url, apiKey: config.apiKey, batchSize: config.batchSize, timeoutMs: config.timeoutMs, quantization: config.quantization, shards: config.shards, replicationFactor: config.replicationFactor });
    default:
      throw new VectorStoreError(`kind: must be 'embedded' or 'qdrant' (got ${JSON.stringify((config as { kind?: unknown })?.kind)})`, 'invalid_argument', 'kind');
  }
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
