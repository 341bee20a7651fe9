import type { CatalogRow } from '../catalog-embedding/catalog-embedder';

/** Bytes of encoded inputs per task at most: a task stays well under Kafka's default 1 MiB record limit. */
export const MAX_TASK_INPUT_BYTES = 512 * 1024;

/**
 * Cuts the catalog into consecutive shares of at most `maxItems` items, smaller where needed so
 * a share's base64 inputs (as float32, the larger encoding) stay under `maxBytes`.
 *
 * @example
 * splitIntoShares(items, { maxItems: 2000, rowSize: 784 }).length; // 70_000 items → 420 shares
 */
export function splitIntoShares(items: CatalogRow[], options: { maxItems: number; rowSize: number; maxBytes?: number }): CatalogRow[][] {
  const bytesPerItem = Math.ceil((options.rowSize * 4 * 4) / 3) + 64;
  const perShare = Math.max(1, Math.min(options.maxItems, Math.floor((options.maxBytes ?? MAX_TASK_INPUT_BYTES) / bytesPerItem)));
  const shares: CatalogRow[][] = [];
  for (let start = 0; start < items.length; start += perShare) shares.push(items.slice(start, start + perShare));
  return shares;
}
