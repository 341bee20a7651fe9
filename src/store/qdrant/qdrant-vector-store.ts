import { QdrantClient } from '@qdrant/js-client-rest';
import {
  VectorStoreError,
  type AttributeValue,
  type CollectionInfo,
  type CollectionSpec,
  type ScrollOptions,
  type ScrollPage,
  type SearchFilter,
  type SearchHit,
  type VectorDistance,
  type VectorPoint,
  type VectorStore,
} from '../../core/vector-store';
import { createLogger } from '../../log/logger';
import { assertIds, assertName, assertPoints, assertScrollOptions, assertSearchOptions, assertSpec, assertVector, normalisePayload } from '../input-validation';
import { switchAliasActions } from './alias-actions';
import { fromQdrantPayload, indexSchemaFor, toQdrantFilter, toQdrantPayload } from './payload-mapping';
import { toQdrantPointId } from './point-id';
import { isTransient, messageOf, statusOf } from './qdrant-errors';
import { withRetry } from './retry';

export interface QdrantVectorStoreOptions {
  /** e.g. `http://localhost:6333`. */
  url: string;
  apiKey?: string;
  /** Points per upsert or delete request (default 256). */
  batchSize?: number;
  /** Attempts per request for transient failures (default 5), first delay in ms (default 100). */
  retry?: { attempts?: number; baseDelayMs?: number };
  /** Per-request timeout in ms (default 30 000). */
  timeoutMs?: number;
}

const DISTANCES: Record<VectorDistance, 'Cosine' | 'Dot' | 'Euclid'> = { cosine: 'Cosine', dot: 'Dot', euclid: 'Euclid' };
const FROM_QDRANT: Record<string, VectorDistance> = { Cosine: 'cosine', Dot: 'dot', Euclid: 'euclid' };
/** An alias may be re-pointed by another process; re-read its collection's spec after this. */
const ALIAS_SPEC_TTL_MS = 5_000;

const log = createLogger('vector-store.qdrant');

/**
 * A `VectorStore` on a Qdrant server: one collection per model version (HNSW m=16,
 * ef_construct=100), keyword indexes on `label` and typed indexes on each attribute seen,
 * batched upserts retried with exponential backoff, and aliases switched in one atomic call.
 *
 * @example
 * const store = createQdrantVectorStore({ url: 'http://localhost:6333' });
 * await store.createCollection('catalog_v000012', { dimension: 128, distance: 'cosine' });
 * await store.setAlias('catalog', 'catalog_v000012');
 */
export function createQdrantVectorStore(options: QdrantVectorStoreOptions): VectorStore {
  if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new VectorStoreError(`url: must be an http(s) URL (got ${JSON.stringify(options?.url)})`, 'invalid_argument', 'url');
  }
  return new QdrantVectorStore(options);
}

interface CachedSpec {
  spec: CollectionSpec;
  /** Known attribute indexes, so each is created once. */
  indexed: Set<string>;
  expiresAt: number;
}

class QdrantVectorStore implements VectorStore {
  private readonly client: QdrantClient;
  private readonly batchSize: number;
  private readonly specs = new Map<string, CachedSpec>();

  constructor(private readonly options: QdrantVectorStoreOptions) {
    this.client = new QdrantClient({ url: options.url, apiKey: options.apiKey, timeout: options.timeoutMs ?? 30_000, checkCompatibility: false });
    this.batchSize = options.batchSize ?? 256;
  }

  async createCollection(name: string, spec: CollectionSpec): Promise<void> {
    assertName(name, 'name');
    assertSpec(spec);
    const { exists } = await this.call('name', name, () => this.client.collectionExists(name));
    if (exists) throw new VectorStoreError(`name: collection ${name} already exists`, 'conflict', 'name');
    await this.call('name', name, () =>
      this.client.createCollection(name, {
        vectors: { size: spec.dimension, distance: DISTANCES[spec.distance] },
        hnsw_config: { m: 16, ef_construct: 100 },
        optimizers_config: { default_segment_number: 2, indexing_threshold: 20_000 },
      }),
    );
    await this.call('name', name, () => this.client.createPayloadIndex(name, { field_name: 'label', field_schema: 'keyword', wait: true }));
    this.specs.set(name, { spec: { dimension: spec.dimension, distance: spec.distance }, indexed: new Set(['label']), expiresAt: Infinity });
  }

  async dropCollection(name: string): Promise<void> {
    assertName(name, 'name');
    this.specs.clear();
    try {
      await this.call('name', name, () => this.client.deleteCollection(name));
    } catch (error) {
      if (!(error instanceof VectorStoreError && error.code === 'not_found')) throw error;
    }
  }

  async listCollections(): Promise<CollectionInfo[]> {
    const { collections } = await this.call(undefined, 'collections', () => this.client.getCollections());
    const infos = await Promise.all(
      collections.map(async ({ name }) => {
        const { spec } = await this.describe(name);
        const { count } = await this.call('collection', name, () => this.client.count(name, { exact: true }));
        return { name, dimension: spec.dimension, distance: spec.distance, count };
      }),
    );
    return infos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async upsert(collection: string, points: VectorPoint[]): Promise<void> {
    const cached = await this.describe(collection);
    assertPoints(points, cached.spec.dimension);
    if (points.length === 0) return;
    await this.ensureAttributeIndexes(collection, cached, points);
    for (let start = 0; start < points.length; start += this.batchSize) {
      const batch = points.slice(start, start + this.batchSize).map((p) => ({
        id: toQdrantPointId(p.id),
        vector: Array.from(p.vector),
        payload: { ...toQdrantPayload(p.id, normalisePayload(p.payload)) },
      }));
      await this.call('collection', collection, () => this.client.upsert(collection, { wait: true, points: batch }));
    }
  }

  async delete(collection: string, ids: string[]): Promise<void> {
    assertName(collection, 'collection');
    assertIds(ids);
    for (let start = 0; start < ids.length; start += this.batchSize) {
      const batch = ids.slice(start, start + this.batchSize).map(toQdrantPointId);
      await this.call('collection', collection, () => this.client.delete(collection, { wait: true, points: batch }));
    }
  }

  async search(collection: string, vector: Float32Array | number[], options: { k: number; filter?: SearchFilter }): Promise<SearchHit[]> {
    assertName(collection, 'collection');
    assertVector(vector, undefined, 'vector');
    assertSearchOptions(options);
    const { spec } = await this.describe(collection);
    assertVector(vector, spec.dimension, 'vector');
    // The vector was checked above, so a refusal from Qdrant is about the filter when there is one.
    const result = await this.call(options.filter ? 'filter' : 'vector', collection, () =>
      this.client.query(collection, { query: Array.from(vector), limit: options.k, filter: toQdrantFilter(options.filter), with_payload: true, with_vector: false }),
    );
    // Qdrant scores Euclid as a distance (lower is closer); the port wants higher-is-closer.
    const sign = spec.distance === 'euclid' ? -1 : 1;
    return result.points.map((point) => {
      const { id, payload } = fromQdrantPayload(point.payload as Record<string, unknown>);
      return { id, score: sign * point.score, payload };
    });
  }

  async get(collection: string, id: string): Promise<VectorPoint | undefined> {
    assertName(collection, 'collection');
    if (typeof id !== 'string' || id.length === 0) throw new VectorStoreError('id: must be a non-empty string', 'invalid_argument', 'id');
    const points = await this.call('collection', collection, () =>
      this.client.retrieve(collection, { ids: [toQdrantPointId(id)], with_payload: true, with_vector: true }),
    );
    const point = points[0];
    if (point === undefined) return undefined;
    const { payload } = fromQdrantPayload(point.payload as Record<string, unknown>);
    return { id, vector: Float32Array.from(point.vector as number[]), payload };
  }

  async scroll(collection: string, options: ScrollOptions): Promise<ScrollPage> {
    assertName(collection, 'collection');
    assertScrollOptions(options);
    const page = await this.call('cursor', collection, () =>
      this.client.scroll(collection, {
        limit: options.limit,
        ...(options.cursor !== undefined ? { offset: options.cursor } : {}),
        filter: toQdrantFilter(options.filter),
        with_payload: true,
        with_vector: false,
      }),
    );
    const next = page.next_page_offset;
    return {
      points: page.points.map((point) => fromQdrantPayload(point.payload as Record<string, unknown>)),
      ...(next !== null && next !== undefined ? { next: String(next) } : {}),
    };
  }

  async setAlias(alias: string, collection: string): Promise<void> {
    assertName(alias, 'alias');
    assertName(collection, 'collection');
    const current = await this.resolveAlias(alias);
    const actions = switchAliasActions(alias, collection, current !== undefined);
    await this.call('collection', collection, () => this.client.updateCollectionAliases({ actions }));
    this.specs.delete(alias);
  }

  async resolveAlias(alias: string): Promise<string | undefined> {
    const { aliases } = await this.call(undefined, 'aliases', () => this.client.getAliases());
    return aliases.find((a) => a.alias_name === alias)?.collection_name;
  }

  async health(): Promise<{ ok: boolean; detail?: string }> {
    try {
      const info = await this.client.versionInfo();
      return { ok: true, detail: `qdrant ${info.version} at ${this.options.url}` };
    } catch (error) {
      return { ok: false, detail: `qdrant at ${this.options.url} unreachable: ${messageOf(error)}` };
    }
  }

  async close(): Promise<void> {
    this.specs.clear();
  }

  /** Dimension and distance of a collection (or of an alias's current target), cached. */
  private async describe(name: string): Promise<CachedSpec> {
    assertName(name, 'collection');
    const cached = this.specs.get(name);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached;
    const target = (await this.resolveAlias(name)) ?? name;
    const info = await this.call('collection', name, () => this.client.getCollection(target));
    const vectors = info.config.params.vectors as { size: number; distance: string };
    const indexed = new Set(Object.keys(info.payload_schema ?? {}));
    const entry: CachedSpec = {
      spec: { dimension: vectors.size, distance: FROM_QDRANT[vectors.distance] ?? 'cosine' },
      indexed,
      expiresAt: target === name ? Infinity : Date.now() + ALIAS_SPEC_TTL_MS,
    };
    this.specs.set(name, entry);
    return entry;
  }

  private async ensureAttributeIndexes(collection: string, cached: CachedSpec, points: VectorPoint[]): Promise<void> {
    const fresh = new Map<string, AttributeValue>();
    for (const point of points) {
      for (const [name, value] of Object.entries(point.payload?.attributes ?? {})) {
        const key = `attributes.${name}`;
        if (!cached.indexed.has(key) && !fresh.has(key)) fresh.set(key, value);
      }
    }
    for (const [key, value] of fresh) {
      await this.call('collection', collection, () => this.client.createPayloadIndex(collection, { field_name: key, field_schema: indexSchemaFor(value), wait: true }));
      cached.indexed.add(key);
    }
  }

  /** Runs one request with retries, turning Qdrant's refusals into `VectorStoreError`s. */
  private async call<T>(field: string | undefined, subject: string, request: () => Promise<T>): Promise<T> {
    try {
      return await withRetry(request, {
        attempts: this.options.retry?.attempts,
        baseDelayMs: this.options.retry?.baseDelayMs,
        retryable: isTransient,
        onRetry: (error, attempt, delayMs) => log.warn({ subject, attempt, delayMs, err: messageOf(error) }, 'retrying qdrant request'),
      });
    } catch (error) {
      const status = statusOf(error);
      const detail = messageOf(error);
      if (status === 404) throw new VectorStoreError(`collection: ${subject} not found (${detail})`, 'not_found', 'collection', { cause: error });
      if (status === 409) throw new VectorStoreError(`${field ?? 'name'}: ${detail}`, 'conflict', field, { cause: error });
      if (status === 400 || status === 422) throw new VectorStoreError(`${field ?? 'request'}: ${detail}`, 'invalid_argument', field, { cause: error });
      throw new VectorStoreError(`qdrant unavailable: ${detail}`, 'unavailable', undefined, { cause: error });
    }
  }
}
