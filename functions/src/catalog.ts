/** A search result, shaped as the Node API returns it. */
export interface EdgeSearchResult {
  id: string;
  score: number;
  label?: string;
}

export interface EdgeSearchFilter {
  label?: string;
  attributes?: Record<string, string | number | boolean>;
}

/** Where the edge finds the live collection and searches it. */
export interface EdgeCatalog {
  /** The concrete collection the live alias points at right now. */
  liveCollection(): Promise<string>;
  search(collection: string, vector: Float32Array, k: number, filter?: EdgeSearchFilter): Promise<EdgeSearchResult[]>;
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
