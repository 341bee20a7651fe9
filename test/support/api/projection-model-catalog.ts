import type { ModelVersionInfo } from '../../../src/core/model-store';
import { UnknownModelVersionError, type ModelCatalog, type ModelDescription, type ModelInputSpec } from '../../../src/core/model-catalog';

/** A test double of the `ModelCatalog` port: each version is a fixed linear map, L2-normalised. */
export interface ProjectionVersion {
  input: ModelInputSpec;
  embeddingDim: number;
}

function seededRandom(seed: string): () => number {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

const inputSize = (spec: ModelInputSpec) => (spec.kind === 'features' ? spec.features : spec.height * spec.width * spec.channels);

/**
 * Deterministic stand-in for the onnxruntime-backed catalog: version `v` embeds `x` as
 * `normalize(W_v · x)` with `W_v` drawn from a PRNG seeded by the version id, so two versions
 * embed differently and tests can recompute any embedding with `projection`.
 *
 * @example
 * const catalog = createProjectionModelCatalog({ v000001: { input: { kind: 'image', height: 4, width: 4, channels: 1 }, embeddingDim: 8 } });
 */
export function createProjectionModelCatalog(versions: Record<string, ProjectionVersion>): ModelCatalog & {
  projection(version: string): Float32Array[];
  calls: { version: string; shape: readonly number[] }[];
} {
  const matrices = new Map<string, Float32Array[]>();
  const calls: { version: string; shape: readonly number[] }[] = [];
  const projection = (version: string) => {
    const spec = versions[version];
    if (!spec) throw new UnknownModelVersionError(version);
    let rows = matrices.get(version);
    if (!rows) {
      const random = seededRandom(version);
      const size = inputSize(spec.input);
      rows = Array.from({ length: spec.embeddingDim }, () => Float32Array.from({ length: size }, random));
      matrices.set(version, rows);
    }
    return rows;
  };
  const info = (id: string, i: number): ModelVersionInfo => {
    const { input, embeddingDim } = versions[id];
    const { kind: _kind, ...dims } = input;
    return { id, createdAt: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), step: (i + 1) * 100, embeddingDim, input: dims, metrics: { recallAt1: 0.5 + i / 100 } };
  };
  return {
    calls,
    projection,
    async inputSpec(version) {
      const spec = versions[version];
      if (!spec) throw new UnknownModelVersionError(version);
      return spec.input;
    },
    async embed(version, input, shape) {
      calls.push({ version, shape });
      const rows = projection(version);
      const size = inputSize(versions[version].input);
      const n = shape[0];
      if (input.length !== n * size || shape.slice(1).reduce((a, b) => a * b, 1) !== size) {
        throw new Error(`input of shape [${shape.join(', ')}] does not fit model ${version}`);
      }
      const out: Float32Array[] = [];
      for (let b = 0; b < n; b++) {
        const x = input.subarray(b * size, (b + 1) * size);
        const e = Float32Array.from(rows, (row) => row.reduce((acc, w, j) => acc + w * x[j], 0));
        const norm = Math.hypot(...e) || 1;
        out.push(e.map((v) => v / norm));
      }
      return out;
    },
    async describe(): Promise<ModelDescription> {
      const ids = Object.keys(versions).sort();
      const history = ids.map(info).reverse();
      const current = history[0] ?? null;
      return { current, publishedAt: current?.createdAt ?? null, metrics: current?.metrics ?? {}, history };
    },
  };
}
