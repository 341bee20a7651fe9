import type { CatalogRow } from '../catalog-embedding/catalog-embedder';
import type { CatalogItem, CatalogState } from './catalog-state';

/**
 * Catalog items as rows for the catalog embedder: each payload (with its thumbnail) is built
 * only when the embedder reads the row, so a whole catalog's payloads are never held at once.
 *
 * @example
 * await embedder.embedCatalog({ version, collection, rowShape: catalog.inputShape, rows: catalogRows(catalog) });
 */
export function* catalogRows(
  catalog: Pick<CatalogState, 'embeddable' | 'payloadOf'>,
  items: Iterable<CatalogItem & { input: Float32Array }> = catalog.embeddable(),
): Generator<CatalogRow> {
  for (const item of items) yield { id: item.id, input: item.input, payload: catalog.payloadOf(item) };
}
