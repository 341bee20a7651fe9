import { CatalogRequestError, CatalogUnavailableError, type CatalogPoint, type CollectionReader, type CollectionSummary, type QueryHit, type QueryOptions } from '../../src/core/query-catalog';
import { upstreamFetch } from './upstream';

/**
 * Reads the catalog through a discern service's version-pinned endpoints (`/v1/live`,
 * `/v1/collections/...`), where no Qdrant is configured, e.g. in front of the embedded default.
 *
 * @example
 * const reader = createDiscernReader('http://127.0.0.1:8080', 'catalog');
 */
export function createDiscernReader(baseUrl: string, alias: string, apiKey?: string): CollectionReader {
  const base = baseUrl.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) };

  async function call<T>(path: string, init?: RequestInit): Promise<T | undefined> {
    const response = await upstreamFetch(`discern ${path}`, `${base}${path}`, { ...init, headers }, (m) => new CatalogUnavailableError(m));
    if (response.status === 404) return undefined;
    if (response.status === 400) {
      const body = (await response.json().catch(() => undefined)) as { error?: { message?: string; issues?: { path: string; message: string }[] } } | undefined;
      const issue = body?.error?.issues?.[0];
      throw new CatalogRequestError(issue?.path ?? '(body)', issue?.message ?? body?.error?.message ?? `discern ${path}: HTTP 400`);
    }
    if (!response.ok) throw new CatalogUnavailableError(`discern ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  return {
    async liveCollection() {
      const live = await call<{ collection: string }>(`/v1/live?alias=${encodeURIComponent(alias)}`);
      if (!live) throw new CatalogUnavailableError(`no live collection behind alias ${alias}`);
      return live.collection;
    },
    async search(collection: string, vector: Float32Array, options: QueryOptions) {
      const body = JSON.stringify({ vector: Array.from(vector), ...options });
      const found = await call<{ results: QueryHit[] }>(`/v1/collections/${encodeURIComponent(collection)}/search`, { method: 'POST', body });
      if (!found) throw new CatalogUnavailableError(`collection ${collection} is gone`);
      return found.results;
    },
    async vectorOf(collection: string, id: string) {
      const point = await call<{ vector: number[] }>(`/v1/collections/${encodeURIComponent(collection)}/points/${encodeURIComponent(id)}`);
      return point ? Float32Array.from(point.vector) : undefined;
    },
    collection: (name: string) => call<CollectionSummary>(`/v1/collections/${encodeURIComponent(name)}`),
    point: (collection: string, id: string) => call<CatalogPoint>(`/v1/collections/${encodeURIComponent(collection)}/points/${encodeURIComponent(id)}`),
  };
}
