import { requestJson } from './http-json';
import type { FashionItem } from './fashion-items';

export interface NeighbourQuality {
  modelVersion: string;
  /** Mean, over the queries, of how many of the top `k` results share the query's true class. */
  mean: number;
  k: number;
  /** Same-class results of each query, in query order. */
  perQuery: number[];
}

/**
 * Searches the running API with each query's pixels (`POST /v1/search`) and counts the results
 * whose true class (from `classOf`, the test's own record, not the returned label) equals the
 * query's. All queries must be answered by one model version; if a publication lands midway the
 * measurement starts over.
 *
 * @example
 * const before = await sameLabelNeighbours(url, heldOut, classOf, 10);
 */
export async function sameLabelNeighbours(url: string, queries: FashionItem[], classOf: Map<string, number>, k: number): Promise<NeighbourQuality> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const versions = new Set<string>();
    const perQuery: number[] = [];
    for (const query of queries) {
      const { status, body } = await requestJson(url, 'POST', '/v1/search', { pixels: query.pixels, k });
      if (status !== 200) throw new Error(`POST /v1/search answered ${status}: ${JSON.stringify(body)}`);
      if (body.results.length !== k) throw new Error(`POST /v1/search returned ${body.results.length} results, expected ${k}`);
      versions.add(body.modelVersion);
      let same = 0;
      for (const hit of body.results as { id: string }[]) {
        const classId = classOf.get(hit.id);
        if (classId === undefined) throw new Error(`search returned ${hit.id}, which was never posted`);
        if (classId === query.classId) same++;
      }
      perQuery.push(same);
    }
    const mean = perQuery.reduce((a, b) => a + b, 0) / queries.length;
    if (versions.size === 1) return { modelVersion: [...versions][0], mean, k, perQuery };
  }
  throw new Error('the live model version kept changing during five measurements');
}
