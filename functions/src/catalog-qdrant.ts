import { toQdrantFilter } from '../../src/store/qdrant/payload-mapping';
import type { QueryOptions } from '../../src/core/query-catalog';
import type { SearchFilter } from '../../src/core/vector-store';
import { CatalogRequestError, CatalogUnavailableError, type CollectionReader } from './catalog';
import { upstreamFetch } from './upstream';

interface QdrantPoint {
  id: string | number;
  score?: number;
  payload?: { id?: string; label?: string };
  vector?: number[];
}

/**
 * Searches Qdrant over its REST API with `fetch` (the JS client needs Node APIs). Points carry
 * the item id in `payload.id`, the label in `payload.label` and attributes under
 * `payload.attributes`, as the Node adapter writes them.
 *
 * @example
 * const reader = createQdrantReader('https://qdrant.example:6333', 'catalog', apiKey);
 */
export function createQdrantReader(url: string, alias: string, apiKey?: string): CollectionReader {
  const base = url.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { 'api-key': apiKey } : {}) };

  /** `field`: the request field a refusal (400) is about. */
  async function call<T>(path: string, body?: unknown, field = '(body)'): Promise<T> {
    const init = body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) };
    const response = await upstreamFetch(`qdrant ${path}`, `${base}${path}`, init, (m) => new CatalogUnavailableError(m));
    if (response.status === 400 || response.status === 422) {
      const refusal = (await response.json().catch(() => undefined)) as { status?: { error?: string } } | undefined;
      throw new CatalogRequestError(field, refusal?.status?.error ?? `qdrant refused the request (HTTP ${response.status})`);
    }
    if (!response.ok) throw new CatalogUnavailableError(`qdrant ${path}: HTTP ${response.status}`);
    return ((await response.json()) as { result: T }).result;
  }

  return {
    async liveCollection() {
      const result = await call<{ aliases: { alias_name: string; collection_name: string }[] }>('/aliases');
      const found = result.aliases.find((a) => a.alias_name === alias);
      if (!found) throw new CatalogUnavailableError(`no live collection behind alias ${alias}`);
      return found.collection_name;
    },
    async search(collection: string, vector: Float32Array, { k, offset, scoreThreshold, filter }: QueryOptions) {
      // Catalog collections are cosine, so Qdrant's score_threshold is the port's as it is.
      const points = await call<QdrantPoint[]>(`/collections/${encodeURIComponent(collection)}/points/search`, {
        vector: Array.from(vector),
        limit: k,
        with_payload: true,
        ...(offset ? { offset } : {}),
        ...(scoreThreshold === undefined ? {} : { score_threshold: scoreThreshold }),
        ...(filter ? { filter: qdrantFilter(filter) } : {}),
      }, filter ? 'filter' : '(body)');
      return points.map((p) => ({ id: p.payload?.id ?? String(p.id), score: p.score ?? 0, label: p.payload?.label }));
    },
    async vectorOf(collection: string, id: string) {
      const result = await call<{ points: QdrantPoint[] }>(`/collections/${encodeURIComponent(collection)}/points/scroll`, {
        filter: { must: [{ key: 'id', match: { value: id } }] },
        limit: 1,
        with_payload: false,
        with_vector: true,
      });
      const vector = result.points[0]?.vector;
      return vector ? Float32Array.from(vector) : undefined;
    },
  };
}

/**
 * Translates a discern filter into Qdrant `must` conditions, exactly as the Node adapter writes
 * them (so both readers match the same points, fractional numbers included).
 *
 * @example
 * qdrantFilter({ label: 'shoe' }); // { must: [{ key: 'label', match: { value: 'shoe' } }] }
 */
export function qdrantFilter(filter: SearchFilter) {
  return toQdrantFilter(filter) ?? { must: [] };
}
