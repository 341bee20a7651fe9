import { ModelStoreError } from '../core/model-store';
import { ImageDecodeError, decodeImageInput } from '../image-decoding/decode-image';
import type { Pixels } from '../events/image-input';
import { ApiError, fieldError } from './api-error';
import { UnknownModelVersionError, type ModelCatalog, type ModelInputSpec } from './model-catalog';
import { assertFloat32Values } from './query-vector';

/** A query's content, as `POST /v1/embed` and `POST /v1/search` take it. */
export interface QueryContent {
  image?: string;
  pixels?: Pixels;
  vector?: number[];
}

/**
 * Embeds one query with exactly the given model version, converting it to what that version
 * takes: images are decoded and resized to its grid, vectors must match its feature count.
 *
 * @example
 * const embedding = await embedQuery(catalog, 'v000004', { pixels });
 */
export async function embedQuery(catalog: ModelCatalog, version: string, content: QueryContent): Promise<Float32Array> {
  const spec = await modelCall(version, () => catalog.inputSpec(version));
  const { input, shape } = await modelInput(spec, version, content);
  const [embedding] = await modelCall(version, () => catalog.embed(version, input, shape));
  if (!embedding.every(Number.isFinite)) {
    // Finite inputs can still overflow inside the network (huge feature values).
    const given = content.vector !== undefined ? 'vector' : content.image !== undefined ? 'image' : 'pixels';
    throw fieldError(given, `model ${version} computes a non-finite embedding for this input; scale the values down`);
  }
  return embedding;
}

async function modelInput(spec: ModelInputSpec, version: string, content: QueryContent): Promise<{ input: Float32Array; shape: number[] }> {
  if (spec.kind === 'features') {
    if (content.vector === undefined) {
      const given = content.image !== undefined ? 'image' : 'pixels';
      throw fieldError(given, `model ${version} takes a feature vector of ${spec.features} values, not images; send vector`);
    }
    if (content.vector.length !== spec.features) {
      throw fieldError('vector', `must have ${spec.features} values for model ${version} (got ${content.vector.length})`, 'wrong_dimension');
    }
    assertFloat32Values(content.vector, 'vector');
    return { input: Float32Array.from(content.vector), shape: [1, spec.features] };
  }
  if (content.vector !== undefined) {
    throw fieldError('vector', `model ${version} takes images (${spec.height}×${spec.width}×${spec.channels}); send image or pixels`);
  }
  try {
    const input = await decodeImageInput(content, spec);
    return { input, shape: [1, spec.height, spec.width, spec.channels] };
  } catch (error) {
    if (error instanceof ImageDecodeError) throw fieldError(error.field, error.message.slice(error.field.length + 2), 'invalid_image');
    throw error;
  }
}

async function modelCall<T>(version: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    // The version can vanish between resolving the alias and embedding (old versions are pruned).
    if (error instanceof UnknownModelVersionError) {
      throw new ApiError(503, 'model_version_gone', `model ${version} is no longer available; retry`, undefined, { 'Retry-After': '1' });
    }
    // A shared model store (MODEL_STORE_URL) that is away, e.g. while the trainer restarts.
    if (error instanceof ModelStoreError && error.code === 'unavailable') {
      throw new ApiError(503, 'model_store_unavailable', `model ${version} cannot be loaded right now; retry`, undefined, { 'Retry-After': '5' });
    }
    throw error;
  }
}
