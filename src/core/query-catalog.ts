import type { SearchFilter, VectorDistance, VectorPayload } from './vector-store';

/** A concrete collection and the model version whose embeddings it holds. */
export interface LiveCollection {
  collection: string;
  modelVersion: string;
}

/** A concrete collection as the version-pinned routes describe it. */
export interface CollectionSummary {
  name: string;
  distance: VectorDistance;
  dimension: number;
  /** Items it holds. */
  count: number;
}

/** One stored item of a concrete collection: its vector and payload. */
export interface CatalogPoint {
  id: string;
  vector: number[];
  payload: VectorPayload;
}

/** What a query asks for besides its vector. */
export interface QueryOptions {
  k: number;
  /** Best results to skip first, for pages. */
  offset?: number;
  /** Only results scoring strictly above this. */
  scoreThreshold?: number;
  filter?: SearchFilter;
}

/** One answer of a query, as `POST /v1/search` returns it. */
export interface QueryHit {
  id: string;
  score: number;
  label?: string;
}

/**
 * The read side of the catalog, as the query app sees it: which collection is live and the
 * nearest items in a named collection. Each request resolves the live collection once and
 * then names it, so one answer is computed by one model version even while the alias moves.
 * Backed by the service's `VectorStore` on Node and by Qdrant's REST API (or a discern service)
 * at the edge.
 *
 * @example
 * const live = await catalog.liveCollection(); // { collection: 'catalog_v000004', modelVersion: 'v000004' }
 * const hits = await catalog.search(live.collection, embedding, { k: 10 });
 * const pinned = await catalog.collection('catalog_v000003'); // { name, distance: 'cosine', dimension: 64, count: 600 }
 */
export interface QueryCatalog {
  /** The live alias; this service's collections are named `<alias>_<version>`. */
  readonly alias: string;
  /** The collection behind the live alias; undefined while no model version is published. */
  liveCollection(): Promise<LiveCollection | undefined>;
  /** A concrete collection by name; undefined when there is none. */
  collection(name: string): Promise<CollectionSummary | undefined>;
  /** A stored item of a concrete collection; undefined when the collection does not hold it. */
  point(collection: string, id: string): Promise<CatalogPoint | undefined>;
  /** Nearest items to `vector`, closest first. */
  search(collection: string, vector: Float32Array, options: QueryOptions): Promise<QueryHit[]>;
  /** Nearest items to a stored item's vector, the item itself left out; undefined when the collection does not hold it. */
  searchLikeItem(collection: string, itemId: string, options: QueryOptions): Promise<QueryHit[] | undefined>;
}

/**
 * The `CollectionReader` port: what a remote catalog service (Qdrant's REST API, a discern
 * service) answers over HTTP: the collection behind the live alias, a search in a named
 * collection, an item's stored vector, and a concrete collection or item read by name.
 * `readerQueryCatalog` makes a `QueryCatalog` of one.
 *
 * @example
 * const collection = await reader.liveCollection(); // 'catalog_v000004'
 * const vector = await reader.vectorOf(collection, 'shoe-1');
 */
export interface CollectionReader {
  /** The concrete collection the live alias points at right now. */
  liveCollection(): Promise<string>;
  search(collection: string, vector: Float32Array, options: QueryOptions): Promise<QueryHit[]>;
  /** The stored vector of an item, or undefined when the collection does not hold it. */
  vectorOf(collection: string, id: string): Promise<Float32Array | undefined>;
  /** A concrete collection by name; undefined when there is none. */
  collection(name: string): Promise<CollectionSummary | undefined>;
  /** A stored item with its vector and payload; undefined when the collection does not hold it. */
  point(collection: string, id: string): Promise<CatalogPoint | undefined>;
}

/**
 * A remote catalog cannot answer now (unreachable, 5xx, no live alias): 503, retry.
 *
 * @example
 * throw new CatalogUnavailableError('qdrant /aliases: HTTP 502');
 */
export class CatalogUnavailableError extends Error {
  override name = 'CatalogUnavailableError';
}

/**
 * A remote catalog refused the request itself (a 400 upstream): the client's to fix, not to
 * retry; `field` names the request field it is about.
 *
 * @example
 * throw new CatalogRequestError('filter', 'bad filter condition');
 */
export class CatalogRequestError extends Error {
  override name = 'CatalogRequestError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
