/**
 * Catalog collections are named after the model version whose embeddings they hold, so any
 * reader that resolves the live alias also learns which model must embed its queries.
 *
 * @example
 * collectionForVersion('catalog', 'v000012') // 'catalog_v000012'
 * versionOfCollection('catalog', 'catalog_v000012') // 'v000012'
 */
export function collectionForVersion(alias: string, modelVersion: string): string {
  return `${alias}_${modelVersion}`;
}

export function versionOfCollection(alias: string, collection: string): string | undefined {
  const prefix = `${alias}_`;
  return collection.startsWith(prefix) && collection.length > prefix.length ? collection.slice(prefix.length) : undefined;
}

/** Alias that always points at the catalog collection being served. */
export const DEFAULT_LIVE_ALIAS = 'catalog';
