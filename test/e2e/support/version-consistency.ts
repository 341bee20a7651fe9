import { collectionForVersion, DEFAULT_LIVE_ALIAS } from '../../../src/core/catalog-naming';
import type { ModelStore } from '../../../src/core/model-store';
import type { VectorStore } from '../../../src/core/vector-store';
import { createOnnxModelRuntime } from '../../../src/serve/onnx-model-runtime';
import type { Observation } from '../../edge/continuous-queries';
import { maxAbsDiff } from '../../edge/http-json';

export interface ConsistencyReport {
  /** One line per answer not computed by the version it names. */
  mismatches: string[];
  /** Versions named in answers, per target. */
  versionsSeen: Record<string, Set<string>>;
  /** Smallest difference between two consecutive versions' embeddings of the same query. */
  smallestVersionGap: number;
}

/**
 * Checks every answer of a query load against the version it names: an embedding must equal
 * that version's own ONNX embedding of the query (onnxruntime-node over the trainer's model
 * store, within `tolerance`), and every search hit's score must equal the cosine of that
 * embedding with the hit's vector in that version's collection. An answer embedded by one
 * version but searched in another's collection fails the second check.
 *
 * @example
 * const report = await checkVersionConsistency(observations, { modelStore, vectorStore, queries, tolerance: 1e-4 });
 * expect(report.mismatches).toEqual([]);
 */
export async function checkVersionConsistency(
  observations: Observation[],
  options: { modelStore: ModelStore; vectorStore: VectorStore; queries: Uint8Array[]; tolerance: number },
): Promise<ConsistencyReport> {
  const runtime = createOnnxModelRuntime(options.modelStore);
  const references = new Map<string, Float32Array>();
  const vectors = new Map<string, Float32Array | undefined>();
  async function reference(version: string, query: number): Promise<Float32Array> {
    const key = `${version}/${query}`;
    if (!references.has(key)) references.set(key, await runtime.embed(version, Float32Array.from(options.queries[query]), [1, 28, 28, 1]));
    return references.get(key)!;
  }
  async function vectorOf(version: string, id: string): Promise<Float32Array | undefined> {
    const key = `${version}/${id}`;
    if (!vectors.has(key)) {
      const point = await options.vectorStore.get(collectionForVersion(DEFAULT_LIVE_ALIAS, version), id);
      vectors.set(key, point ? Float32Array.from(point.vector) : undefined);
    }
    return vectors.get(key);
  }
  try {
    const mismatches: string[] = [];
    const versionsSeen: Record<string, Set<string>> = {};
    for (const o of observations) {
      const version = o.body?.modelVersion as string;
      (versionsSeen[o.target] ??= new Set()).add(version);
      const want = await reference(version, o.query);
      if (o.kind === 'embed') {
        const diff = maxAbsDiff(o.body.embedding, want);
        if (diff > options.tolerance) mismatches.push(`${o.target} embed q${o.query} ${version}: max abs diff ${diff}`);
        continue;
      }
      for (const hit of o.body.results as Array<{ id: string; score: number }>) {
        const stored = await vectorOf(version, hit.id);
        if (!stored) {
          mismatches.push(`${o.target} search q${o.query} ${version}: ${hit.id} is not in ${version}'s collection`);
          continue;
        }
        const norm = Math.hypot(...stored);
        let cosine = 0;
        for (let j = 0; j < stored.length; j++) cosine += (stored[j] / norm) * want[j];
        if (Math.abs(cosine - hit.score) > options.tolerance * 2) mismatches.push(`${o.target} search q${o.query} ${version}: ${hit.id} scored ${hit.score}, ${cosine} by that version`);
      }
    }
    const seen = [...new Set(Object.values(versionsSeen).flatMap((s) => [...s]))].sort();
    let smallestVersionGap = Infinity;
    for (let i = 1; i < seen.length; i++) smallestVersionGap = Math.min(smallestVersionGap, maxAbsDiff(await reference(seen[i - 1], 0), await reference(seen[i], 0)));
    return { mismatches, versionsSeen, smallestVersionGap };
  } finally {
    await runtime.close();
  }
}
