import { QdrantClient } from '@qdrant/js-client-rest';
import {
  VectorStoreError,
  type AttributeValue,
  type CollectionInfo,
  type CollectionSpec,
  type ScrollOptions,
  type ScrollPage,
  type BatchSearchQuery,
  type RecommendQuery,
  type SearchHit,
  type SearchOptions,
  type VectorDistance,
  type VectorPoint,
  type VectorStore,
} from '../../core/vector-store';
import { createLogger } from '../../log/logger';
import { assertIds, assertName, assertPoints, assertSpec, assertVector, normalisePayload } from '../input-validation';
import { assertBatch, assertRecommend, assertScrollOptions, assertSearchOptions } from '../query-validation';
import { switchAliasActions } from './alias-actions';
import { fromQdrantPayload, indexSchemaFor, toQdrantFilter, toQdrantPayload } from '../../qdrant-wire/payload-mapping';
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
  /**
   * `int8`: collections created from now on keep scalar-quantized (int8) vectors in RAM
   * (quantile 0.99) and the float32 originals on disk; searches score with the int8 codes,
   * oversample 2× and rescore with the originals. Default `none`.
   */
  quantization?: 'none' | 'int8';
  /** Shards of each new collection (default 1) and copies of each shard (default 1). */
  shards?: number;
  replicationFactor?: number;
}

const DISTANCES: Record<VectorDistance, 'Cosine' | 'Dot' | 'Euclid'> = { cosine: 'Cosine', dot: 'Dot', euclid: 'Euclid' };
const FROM_QDRANT: Record<string, VectorDistance> = { Cosine: 'cosine', Dot: 'dot', Euclid: 'euclid' };
/** An alias may be re-pointed by another process; re-read its collection's spec after this. */
const ALIAS_SPEC_TTL_MS = 5_000;

const log = createLogger('vector-store.qdrant');

/**
 * A `VectorStore` on a Qdrant server: one collection per model version (HNSW m=16,
 * ef_construct=100, optionally int8 scalar quantization), keyword indexes on `label` and typed indexes on each attribute seen,
 * batched upserts retried with exponential backoff, and aliases switched in one atomic call.
 * Searches, batches (`/points/query/batch`) and recommendations (Qdrant's `recommend` query,
 * `average_vector`) all go through Qdrant's query API.
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
  for (const field of ['shards', 'replicationFactor'] as const) {
    const value = options[field];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) throw new VectorStoreError(`${field}: must be a positive integer (got ${value})`, 'invalid_argument', field);
  }
  if (options.quantization !== undefined && options.quantization !== 'none' && options.quantization !== 'int8') {
    throw new VectorStoreError(`quantization: must be 'none' or 'int8' (got ${JSON.stringify(options.quantization)})`, 'invalid_argument', 'quantization');
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
  private readonly quantized: boolean;
  private readonly searchParams?: { quantization: { rescore: boolean; oversampling: number } };

  constructor(private readonly options: QdrantVectorStoreOptions) {
    this.client = new QdrantClient({ url: options.url, apiKey: options.apiKey, timeout: options.timeoutMs ?? 30_000, checkCompatibility: false });
    this.batchSize = options.batchSize ?? 256;
    this.quantized = options.quantization === 'int8';
    if (this.quantized) this.searchParams = { quantization: { rescore: true, oversampling: 2 } };
  }

  async createCollection(name: string, spec: CollectionSpec): Promise<void> {
    assertName(name, 'name');
    assertSpec(spec);
    const { exists } = await this.call('name', name, () => this.client.collectionExists(name));
    if (exists) throw new VectorStoreError(`name: collection ${name} already exists`, 'conflict', 'name');
    await this.call('name', name, () =>
      this.client.createCollection(name, {
        // Quantized collections keep the originals on disk (memory-mapped, read for rescoring) and
        // only the int8 codes in RAM: that is where the memory saving comes from.
        vectors: { size: spec.dimension, distance: DISTANCES[spec.distance], ...(this.quantized ? { on_disk: true } : {}) },
        hnsw_config: { m: 16, ef_construct: 100 },
        shard_number: this.options.shards ?? 1,
        replication_factor: this.options.replicationFactor ?? 1,
        optimizers_config: { default_segment_number: 2, indexing_threshold: 20_000 },
        ...(this.quantized ? { quantization_config: { scalar: { type: 'int8' as const, quantile: 0.99, always_ram: true } } } : {}),
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

  async search(collection: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]> {
    assertName(collection, 'collection');
    assertVector(vector, undefined, 'vector');
    assertSearchOptions(options);
    const { spec } = await this.describe(collection);
    assertVector(vector, spec.dimension, 'vector');
    // The vector was checked above, so a refusal from Qdrant is about the filter when there is one.
    const result = await this.call(options.filter ? 'filter' : 'vector', collection, () => this.client.query(collection, this.queryRequest(spec, Array.from(vector), options)));
    return this.hits(spec, result.points);
  }

  async searchBatch(collection: string, queries: BatchSearchQuery[]): Promise<SearchHit[][]> {
    assertName(collection, 'collection');
    assertBatch(queries);
    queries.forEach((q, i) => assertVector(q.vector, undefined, `queries[${i}].vector`));
    const { spec } = await this.describe(collection);
    queries.forEach((q, i) => assertVector(q.vector, spec.dimension, `queries[${i}].vector`));
    const searches = queries.map((q) => this.queryRequest(spec, Array.from(q.vector), q));
    const results = await this.call('queries', collection, () => this.client.queryBatch(collection, { searches }));
    return results.map((result) => this.hits(spec, result.points));
  }

  async recommend(collection: string, query: RecommendQuery): Promise<SearchHit[]> {
    assertName(collection, 'collection');
    assertRecommend(query);
    const { spec } = await this.describe(collection);
    const examples = { positive: query.positive.map(toQdrantPointId), negative: (query.negative ?? []).map(toQdrantPointId), strategy: 'average_vector' as const };
    try {
      const result = await this.call('positive', collection, () => this.client.query(collection, this.queryRequest(spec, { recommend: examples }, query)));
      return this.hits(spec, result.points);
    } catch (error) {
      // Qdrant refuses a query whose example is missing; say which one.
      if (error instanceof VectorStoreError && (error.code === 'not_found' || error.code === 'invalid_argument')) await this.assertExamplesExist(collection, query);
      throw error;
    }
  }

  /** The body of one Qdrant query: the port's higher-is-closer threshold turned into Qdrant's terms. */
  private queryRequest(spec: CollectionSpec, query: number[] | { recommend: object }, options: SearchOptions) {
    const threshold = options.scoreThreshold;
    return {
      query: query as number[],
      limit: options.k,
      ...(options.offset ? { offset: options.offset } : {}),
      // Qdrant scores Euclid as a distance: a least score of -d is a greatest distance of d.
      ...(threshold === undefined ? {} : { score_threshold: spec.distance === 'euclid' ? -threshold : threshold }),
      ...(this.searchParams ? { params: this.searchParams } : {}),
      filter: toQdrantFilter(options.filter),
      with_payload: true,
      with_vector: false,
    };
  }

  private hits(spec: CollectionSpec, points: { score: number; payload?: Record<string, unknown> | null }[]): SearchHit[] {
    // Qdrant scores Euclid as a distance (lower is closer); the port wants higher-is-closer.
    const sign = spec.distance === 'euclid' ? -1 : 1;
    return points.map((point) => {
      const { id, payload } = fromQdrantPayload(point.payload as Record<string, unknown>);
      return { id, score: sign * point.score, payload };
    });
  }

  private async assertExamplesExist(collection: string, query: RecommendQuery): Promise<void> {
    const sides = [['positive', query.positive], ['negative', query.negative ?? []]] as const;
    const wanted = sides.flatMap(([, ids]) => ids.map(toQdrantPointId));
    const found = await this.call('collection', collection, () => this.client.retrieve(collection, { ids: wanted, with_payload: false, with_vector: false }));
    const present = new Set(found.map((p) => String(p.id)));
    for (const [side, ids] of sides) {
      ids.forEach((id, i) => {
        if (!present.has(toQdrantPointId(id))) throw new VectorStoreError(`${side}[${i}]: no item ${id} in collection ${collection}`, 'not_found', `${side}[${i}]`);
      });
    }
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
