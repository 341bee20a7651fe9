import { CatalogRequestError, CatalogUnavailableError, type CollectionReader, type QueryOptions } from '../../src/core/query-catalog';
import type { VectorDistance } from '../../src/core/vector-store';
import { fromQdrantPayload, ID_KEY, toQdrantFilter } from '../../src/qdrant-wire/payload-mapping';

interface QdrantPoint {
  id: string | number;
  score?: number;
  payload?: { id?: string; label?: string } & Record<string, unknown>;
  vector?: number[];
}

interface QdrantCollectionInfo {
  points_count?: number | null;
  config: { params: { vectors: { size: number; distance: string } } };
}

const DISTANCES: Record<string, VectorDistance> = { Cosine: 'cosine', Dot: 'dot', Euclid: 'euclid' };

export interface QdrantRestReaderOptions {
  /** Qdrant's REST endpoint, e.g. `https://qdrant.example:6333`. */
  url: string;
  /** Alias of the live catalog collection. */
  alias: string;
  apiKey?: string;
}

/**
 * Reads the catalog from Qdrant over its REST API with `fetch` alone, for runtimes where the
 * JS client cannot run (the edge). Points are read as the Qdrant `VectorStore` adapter writes
 * them: the item id in `payload.id`, the label in `payload.label`, attributes under
 * `payload.attributes`, filters translated the same way. An unreachable Qdrant, or a 5xx/429
 * answer, is a `CatalogUnavailableError`; a refusal (400/422) a `CatalogRequestError`.
 *
 * @example
 * const reader = createQdrantRestReader({ url: 'https://qdrant.example:6333', alias: 'catalog', apiKey });
 * const collection = await reader.liveCollection();
 */
export function createQdrantRestReader({ url, alias, apiKey }: QdrantRestReaderOptions): CollectionReader {
  const base = url.replace(/\/$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(apiKey ? { 'api-key': apiKey } : {}) };

  /** `field`: the request field a refusal (400) is about; `missing`: the answer to a 404, when one is expected. */
  async function call<T>(path: string, body?: unknown, field = '(body)', missing?: () => T): Promise<T> {
    const init = body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) };
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, init);
    } catch (error) {
      throw new CatalogUnavailableError(`qdrant ${path}: unreachable (${(error as Error).message})`);
    }
    if (response.status === 400 || response.status === 422) {
      const refusal = (await response.json().catch(() => undefined)) as { status?: { error?: string } } | undefined;
      throw new CatalogRequestError(field, refusal?.status?.error ?? `qdrant refused the request (HTTP ${response.status})`);
    }
    if (response.status === 404 && missing) return missing();
    if (!response.ok) throw new CatalogUnavailableError(`qdrant ${path}: HTTP ${response.status}`);
    return ((await response.json()) as { result: T }).result;
  }

  /** The point whose payload carries item id `id` (Qdrant's own ids are derived from it). */
  async function pointById(collection: string, id: string, withPayload: boolean): Promise<QdrantPoint | undefined> {
    const result = await call<{ points: QdrantPoint[] }>(`/collections/${encodeURIComponent(collection)}/points/scroll`, {
      filter: { must: [{ key: ID_KEY, match: { value: id } }] },
      limit: 1,
      with_payload: withPayload,
      with_vector: true,
    });
    return result.points[0];
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
      const points = await call<QdrantPoint[]>(
        `/collections/${encodeURIComponent(collection)}/points/search`,
        {
          vector: Array.from(vector),
          limit: k,
          with_payload: true,
          ...(offset ? { offset } : {}),
          ...(scoreThreshold === undefined ? {} : { score_threshold: scoreThreshold }),
          ...(filter ? { filter: toQdrantFilter(filter) ?? { must: [] } } : {}),
        },
        filter ? 'filter' : '(body)',
      );
      return points.map((p) => ({ id: p.payload?.[ID_KEY] ?? String(p.id), score: p.score ?? 0, label: p.payload?.label }));
    },
    async vectorOf(collection: string, id: string) {
      const vector = (await pointById(collection, id, false))?.vector;
      return vector ? Float32Array.from(vector) : undefined;
    },
    async collection(name: string) {
      const path = `/collections/${encodeURIComponent(name)}`;
      const info = await call<QdrantCollectionInfo | undefined>(path, undefined, '(body)', () => undefined);
      if (!info) return undefined;
      const { size, distance } = info.config.params.vectors;
      const count = await call<{ count: number }>(`${path}/points/count`, { exact: true });
      return { name, distance: DISTANCES[distance] ?? 'cosine', dimension: size, count: count.count };
    },
    async point(collection: string, id: string) {
      const found = await pointById(collection, id, true);
      if (!found?.vector) return undefined;
      return { id, vector: found.vector, payload: fromQdrantPayload(found.payload).payload };
    },
  };
}
