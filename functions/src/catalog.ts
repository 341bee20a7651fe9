import type { SearchFilter } from '../../src/core/vector-store';

/** A search result, shaped as the Node API returns it. */
export interface EdgeSearchResult {
  id: string;
  score: number;
  label?: string;
}

export type EdgeSearchFilter = SearchFilter;

/** What a search asks for besides the vector, as the Node API's search takes it. */
export interface EdgeSearchOptions {
  k: number;
  offset?: number;
  /** Only results scoring strictly above this. */
  scoreThreshold?: number;
  filter?: EdgeSearchFilter;
}

/** Where the edge finds the live collection and searches it. */
export interface EdgeCatalog {
  /** The concrete collection the live alias points at right now. */
  liveCollection(): Promise<string>;
  search(collection: string, vector: Float32Array, options: EdgeSearchOptions): Promise<EdgeSearchResult[]>;
  /** The stored vector of an item, or undefined when the collection does not hold it. */
  vectorOf(collection: string, id: string): Promise<Float32Array | undefined>;
}

export class CatalogUnavailableError extends Error {
  override name = 'CatalogUnavailableError';
}

/** The catalog refused the request itself (a 400 upstream): the client's to fix, not to retry. */
export class CatalogRequestError extends Error {
  override name = 'CatalogRequestError';
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
