import { isModelVersionId } from './model-version-id';

/**
 * Catalog collections are named after the model version whose embeddings they hold, so any
 * reader that resolves the live alias also learns which model must embed its queries.
 *
 * @example
 * collectionForVersion('catalog', 'v000012') // 'catalog_v000012'
 */
export function collectionForVersion(alias: string, modelVersion: string): string {
  return `${alias}_${modelVersion}`;
}

/**
 * The model version a collection of this alias holds, or undefined when the name is not
 * `<alias>_<version id>` (another service's collection, or a stray one).
 *
 * @example
 * versionOfCollection('catalog', 'catalog_v000012') // 'v000012'
 * versionOfCollection('catalog', 'catalog_tmp') // undefined
 */
export function versionOfCollection(alias: string, collection: string): string | undefined {
  const prefix = `${alias}_`;
  if (!collection.startsWith(prefix)) return undefined;
  const version = collection.slice(prefix.length);
  return isModelVersionId(version) ? version : undefined;
}

/** Alias that always points at the catalog collection being served. */
export const DEFAULT_LIVE_ALIAS = 'catalog';
