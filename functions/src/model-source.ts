import type { InferenceSession } from 'onnxruntime-web/wasm';
import type { EdgeEnv } from './env';
import { createOnnxSession } from './onnx-session';
import { upstreamFetch } from './upstream';

/** What the worker needs to know about a model version to feed it. */
export interface EdgeModelInfo {
  id: string;
  embeddingDim: number;
  input: Record<string, number>;
}

export interface LoadedModel {
  info: EdgeModelInfo;
  session: InferenceSession;
}

const MAX_CACHED_VERSIONS = 3;

/**
 * Loads model versions from R2 (`models/<id>/model.onnx`, `models/<id>/info.json`) or from a
 * discern service over HTTP, and keeps the last few sessions per isolate so repeated queries
 * pay the load only once.
 *
 * @example
 * const models = createModelSource(env);
 * const { session, info } = await models.load('v000012');
 */
export function createModelSource(env: EdgeEnv) {
  const cache = new Map<string, Promise<LoadedModel>>();

  async function fetchBytes(version: string, file: 'model.onnx' | 'info.json'): Promise<ArrayBuffer> {
    if (env.MODELS) {
      const object = await env.MODELS.get(`models/${version}/${file}`);
      if (object) return object.arrayBuffer();
    }
    if (!env.MODEL_BASE_URL) throw new ModelUnavailableError(`model ${version} not found: no R2 object and no MODEL_BASE_URL`);
    const base = `${env.MODEL_BASE_URL.replace(/\/$/, '')}/v1/models/${encodeURIComponent(version)}`;
    const url = file === 'model.onnx' ? `${base}/model.onnx` : base;
    const init: RequestInit = { headers: env.DISCERN_API_KEY ? { 'x-api-key': env.DISCERN_API_KEY } : {} };
    const response = await upstreamFetch(`model ${version} ${file}`, url, init, (m) => new ModelUnavailableError(m));
    if (!response.ok) throw new ModelUnavailableError(`model ${version} ${file}: HTTP ${response.status}`);
    return response.arrayBuffer();
  }

  async function loadUncached(version: string): Promise<LoadedModel> {
    const [infoBytes, modelBytes] = await Promise.all([fetchBytes(version, 'info.json'), fetchBytes(version, 'model.onnx')]);
    const info = JSON.parse(new TextDecoder().decode(infoBytes)) as EdgeModelInfo;
    const session = await createOnnxSession(new Uint8Array(modelBytes));
    return { info, session };
  }

  return {
    load(version: string): Promise<LoadedModel> {
      let entry = cache.get(version);
      if (!entry) {
        entry = loadUncached(version);
        entry.catch(() => cache.delete(version));
        cache.set(version, entry);
        while (cache.size > MAX_CACHED_VERSIONS) {
          const oldest = cache.keys().next().value as string;
          void cache.get(oldest)?.then((m) => m.session.release()).catch(() => undefined);
          cache.delete(oldest);
        }
      }
      return entry;
    },
  };
}

export class ModelUnavailableError extends Error {
  override name = 'ModelUnavailableError';
}
