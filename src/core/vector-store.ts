/**
 * The `VectorStore` port: named collections of vectors with payloads, and aliases that can be
 * switched atomically (Qdrant in production, a local durable store in the embedded default).
 */

export type VectorDistance = 'cosine' | 'euclid' | 'dot';

export type AttributeValue = string | number | boolean;

export interface VectorPayload {
  label?: string;
  attributes?: Record<string, AttributeValue>;
  /** A small PNG of the item (base64), for people looking at results. */
  thumbnail?: string;
}

export interface VectorPoint {
  id: string;
  vector: Float32Array | number[];
  payload: VectorPayload;
}

/** A numeric range; at least one bound. Holds only for number attributes. */
export interface RangeCondition {
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

/** Any one of these values (Qdrant's `match: { any }`). */
export interface AnyOfCondition<T extends AttributeValue = AttributeValue> {
  any: T[];
}

/** An attribute condition: equal to a value, one of several values, or inside a numeric range. */
export type AttributeCondition = AttributeValue | AnyOfCondition | RangeCondition;

export interface SearchFilter {
  /** The label, or any one of several labels. */
  label?: string | AnyOfCondition<string>;
  /** Every listed attribute must satisfy its condition. */
  attributes?: Record<string, AttributeCondition>;
}

export interface SearchOptions {
  /** Hits to return. */
  k: number;
  /** Best hits to skip first (pagination: page n of size k has offset n·k). */
  offset?: number;
  /**
   * Only hits scoring above this, strictly, as Qdrant's `score_threshold` (scores are
   * higher-is-closer, so for euclid a negative distance: -2 keeps points closer than 2).
   */
  scoreThreshold?: number;
  filter?: SearchFilter;
}

/** One query of a batch: a vector with its own options. */
export interface BatchSearchQuery extends SearchOptions {
  vector: Float32Array | number[];
}

/**
 * Items like the `positive` examples and unlike the `negative` ones, by Qdrant's
 * `average_vector` strategy: the query is `2·mean(positive) − mean(negative)` (just
 * `mean(positive)` without negatives) over the stored vectors; the examples themselves are
 * left out of the results.
 */
export interface RecommendQuery extends SearchOptions {
  positive: string[];
  negative?: string[];
}

export interface SearchHit {
  id: string;
  /** Higher is closer (cosine/dot similarity; negative distance for euclid). */
  score: number;
  payload: VectorPayload;
}

export interface ScrollOptions {
  limit: number;
  cursor?: string;
  filter?: SearchFilter;
}

export interface ScrollPage {
  points: Array<{ id: string; payload: VectorPayload }>;
  /** Cursor of the next page; absent when this page is the last. */
  next?: string;
}

export interface CollectionSpec {
  dimension: number;
  distance: VectorDistance;
}

export interface CollectionInfo extends CollectionSpec {
  name: string;
  count: number;
}

export interface VectorStore {
  createCollection(name: string, spec: CollectionSpec): Promise<void>;
  dropCollection(name: string): Promise<void>;
  listCollections(): Promise<CollectionInfo[]>;
  /** Inserts or replaces points (by id). */
  upsert(collection: string, points: VectorPoint[]): Promise<void>;
  delete(collection: string, ids: string[]): Promise<void>;
  /** `collection` may be a collection name or an alias. */
  search(collection: string, vector: Float32Array | number[], options: SearchOptions): Promise<SearchHit[]>;
  /** Several searches in one call; answers in query order. `collection` may be an alias. */
  searchBatch(collection: string, queries: BatchSearchQuery[]): Promise<SearchHit[][]>;
  /**
   * Recommendations from stored example items (see `RecommendQuery`). An unknown example id is
   * a `not_found` error naming it (`positive[1]`). `collection` may be an alias.
   */
  recommend(collection: string, query: RecommendQuery): Promise<SearchHit[]>;
  /** `collection` may be a collection name or an alias. */
  get(collection: string, id: string): Promise<VectorPoint | undefined>;
  /**
   * Pages through a collection's points (without vectors) in a stable order; `cursor` is the
   * previous page's `next`, absent on the last page. `collection` may be an alias.
   */
  scroll(collection: string, options: ScrollOptions): Promise<ScrollPage>;
  /** Points `alias` at `collection` in one atomic step (creating the alias if needed). */
  setAlias(alias: string, collection: string): Promise<void>;
  /** The collection an alias points at, or undefined. */
  resolveAlias(alias: string): Promise<string | undefined>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  close(): Promise<void>;
  /**
   * Where the collection's approximate index stands, for stores that build one themselves (the
   * embedded store); absent where the server does it.
   */
  indexStatus?(collection: string): VectorIndexStatus;
}

/** Progress of a collection's approximate index. */
export interface VectorIndexStatus {
  /** `off`: searches scan exactly; `building`: the index lags, searches scan meanwhile; `ready`; `rejected`: recall too low. */
  state: 'off' | 'building' | 'ready' | 'rejected';
  /** Points in the index, and points written but not yet in it. */
  indexed: number;
  pending: number;
  recall?: number;
  /** `file`: loaded from the saved index file rather than rebuilt. */
  origin?: 'built' | 'file';
}

/** Why a vector store refused a call: maps to HTTP 400 / 404 / 409 / 503. */
export type VectorStoreErrorCode = 'invalid_argument' | 'not_found' | 'conflict' | 'unavailable';

/**
 * The one error type adapters throw for refusals the caller can act on. `field` names the
 * offending argument (e.g. `points[3].vector`) when the input was at fault.
 *
 * @example
 * try { await store.search('catalog', [1, 2], { k: 10 }); }
 * catch (e) { if (e instanceof VectorStoreError && e.code === 'invalid_argument') console.error(e.field); }
 */
export class VectorStoreError extends Error {
  constructor(
    message: string,
    readonly code: VectorStoreErrorCode,
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'VectorStoreError';
  }
}
