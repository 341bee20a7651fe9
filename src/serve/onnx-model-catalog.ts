import type { ModelCatalog, ModelDescription, ModelInputSpec, RejectedCandidate } from '../core/model-catalog';
import { inputSpecFromInfo, UnknownModelVersionError } from '../core/model-catalog';
import { versionOfCollection } from '../core/catalog-naming';
import type { ModelStore, ModelVersionInfo } from '../core/model-store';
import type { VectorStore } from '../core/vector-store';
import { createOnnxModelRuntime, type ModelRuntimeOptions } from './onnx-model-runtime';

/**
 * The API's `ModelCatalog` backed by the model store and onnxruntime-node: inputs are embedded
 * by the exact version asked for, and `describe()` reports the version behind the live alias.
 *
 * @example
 * const models = createOnnxModelCatalog({ modelStore, vectorStore, liveAlias: 'catalog' });
 * const [embedding] = await models.embed('v000002', pixels, [1, 28, 28, 1]);
 */
export function createOnnxModelCatalog(deps: { modelStore: ModelStore; vectorStore: VectorStore; liveAlias: string; runtime?: ModelRuntimeOptions }): ModelCatalog & { close(): Promise<void> } {
  const runtime = createOnnxModelRuntime(deps.modelStore, deps.runtime);

  // Versions are immutable once written, so their descriptions can be kept for good.
  const infos = new Map<string, ModelVersionInfo>();
  async function info(version: string): Promise<ModelVersionInfo> {
    const cached = infos.get(version);
    if (cached) return cached;
    const found = await deps.modelStore.get(version);
    if (!found) throw new UnknownModelVersionError(version);
    infos.set(version, found);
    return found;
  }

  return {
    async inputSpec(version: string): Promise<ModelInputSpec> {
      return inputSpecFromInfo((await info(version)).input);
    },
    async embed(version: string, input: Float32Array, shape: readonly number[]): Promise<Float32Array[]> {
      const { embeddingDim } = await info(version);
      const flat = await runtime.embed(version, input, [...shape]);
      const rows: Float32Array[] = [];
      for (let i = 0; i < shape[0]; i++) rows.push(flat.subarray(i * embeddingDim, (i + 1) * embeddingDim));
      return rows;
    },
    async describe(): Promise<ModelDescription> {
      const history = (await deps.modelStore.list()).sort((a, b) => b.id.localeCompare(a.id));
      const liveCollection = await deps.vectorStore.resolveAlias(deps.liveAlias).catch(() => undefined);
      const liveVersion = liveCollection ? versionOfCollection(deps.liveAlias, liveCollection) : undefined;
      const current = history.find((v) => v.id === liveVersion) ?? null;
      return { current, publishedAt: current?.createdAt ?? null, metrics: current?.metrics ?? {}, history, holdout: holdoutOf(current), rejected: history.filter(isRejected).map(rejectedCandidate) };
    },
    close: () => runtime.close(),
  };
}

interface StoredHoldout {
  raw?: Record<string, number>;
  live?: { version: string; metrics: Record<string, number> };
}

function isRejected(info: ModelVersionInfo): boolean {
  return (info.extra?.gate as { accepted?: boolean } | undefined)?.accepted === false;
}

/** The live version's holdout scores and the references stored with it; null when it has none. */
function holdoutOf(info: ModelVersionInfo | null): ModelDescription['holdout'] {
  const stored = info?.extra?.holdout as StoredHoldout | undefined;
  if (!info?.metrics || !stored?.raw) return null;
  return { metrics: info.metrics, rawInput: stored.raw, ...(stored.live ? { previousLive: stored.live } : {}) };
}

function rejectedCandidate(info: ModelVersionInfo): RejectedCandidate {
  const gate = info.extra!.gate as Record<string, unknown> & { reason: string };
  const references = info.extra?.holdout as Record<string, unknown> | undefined;
  return { id: info.id, createdAt: info.createdAt, step: info.step, reason: gate.reason, metrics: info.metrics ?? {}, gate, ...(references ? { references } : {}) };
}
