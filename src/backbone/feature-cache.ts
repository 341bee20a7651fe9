import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/** Identifies one item's features: its id plus a hash of the exact content that was embedded. */
export interface FeatureKey {
  id: string;
  contentHash: string;
}

export interface FeatureCacheOptions {
  /** Most feature rows held in memory; the least recently used go first (default 10 000). */
  maxEntries?: number;
  /** Folder for the on-disk cache; omit to keep features in memory only. */
  directory?: string;
  /** Separates caches of different backbones/preprocessing inside one folder. */
  namespace: string;
}

/**
 * A per-item feature cache: a bounded in-memory LRU in front of an optional folder of float32
 * files. A changed image gets a new content hash, so stale features are never served.
 *
 * @example
 * const cache = new FeatureCache({ namespace: backbone.fingerprint, directory: '.cache/features' });
 * const hit = await cache.get({ id: 'sku-1', contentHash });
 */
export class FeatureCache {
  private readonly memory = new Map<string, Float32Array>();
  private readonly maxEntries: number;

  constructor(private readonly options: FeatureCacheOptions) {
    this.maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) throw new Error(`cache.maxEntries must be a non-negative integer, got ${options.maxEntries}`);
    if (!/^[\w.-]+$/.test(options.namespace)) throw new Error(`cache.namespace must be a plain file name, got "${options.namespace}"`);
  }

  get size(): number {
    return this.memory.size;
  }

  /** Looks in memory, then on disk; returns where it was found. */
  async get(key: FeatureKey): Promise<{ features: Float32Array; source: 'memory' | 'disk' } | undefined> {
    const memoryKey = cacheKey(key);
    const cached = this.memory.get(memoryKey);
    if (cached) {
      this.memory.delete(memoryKey);
      this.memory.set(memoryKey, cached);
      return { features: cached, source: 'memory' };
    }
    if (!this.options.directory) return undefined;
    try {
      const bytes = await readFile(this.filePath(memoryKey));
      const features = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      this.remember(memoryKey, features);
      return { features, source: 'disk' };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async set(key: FeatureKey, features: Float32Array): Promise<void> {
    const memoryKey = cacheKey(key);
    this.remember(memoryKey, features);
    if (!this.options.directory) return;
    const path = this.filePath(memoryKey);
    await mkdir(join(this.options.directory, this.options.namespace, memoryKey.slice(0, 2)), { recursive: true });
    await writeFileAtomic(path, Buffer.from(features.buffer, features.byteOffset, features.byteLength));
  }

  private remember(memoryKey: string, features: Float32Array): void {
    if (this.maxEntries === 0) return;
    this.memory.delete(memoryKey);
    this.memory.set(memoryKey, features);
    while (this.memory.size > this.maxEntries) this.memory.delete(this.memory.keys().next().value!);
  }

  private filePath(memoryKey: string): string {
    return join(this.options.directory!, this.options.namespace, memoryKey.slice(0, 2), `${memoryKey}.f32`);
  }
}

/** Hex digest naming one (id, content) pair; safe as a file name whatever the id contains. */
function cacheKey(key: FeatureKey): string {
  return createHash('sha256').update(key.id).update('\0').update(key.contentHash).digest('hex');
}
