import { parsePreprocessSpec, type PreprocessSpec } from '../backbone';
import { readModelMetadata, withModelMetadata } from '../onnx/model-metadata';

/** Metadata key under which an exported model records how raw pixels become its input. */
export const PREPROCESS_METADATA_KEY = 'discern.preprocess';

/**
 * Returns `model` with its input preprocessing stored in the ONNX metadata, so that a fused
 * backbone model (whose input is the backbone's normalised tensor, not raw pixels) can be fed
 * correctly by anyone holding only the file.
 *
 * @example
 * writeFileSync('fused.onnx', withPreprocessMetadata(fused, record.backbone.preprocess));
 */
export function withPreprocessMetadata(model: Uint8Array, spec: PreprocessSpec): Uint8Array {
  return withModelMetadata(model, PREPROCESS_METADATA_KEY, JSON.stringify(spec));
}

/**
 * The preprocessing recorded by {@link withPreprocessMetadata}; undefined for models that take
 * raw 0–255 NHWC pixels.
 *
 * @example
 * const spec = readPreprocessMetadata(readFileSync('fused.onnx'));
 */
export function readPreprocessMetadata(model: Uint8Array): PreprocessSpec | undefined {
  const value = readModelMetadata(model, PREPROCESS_METADATA_KEY);
  return value ? parsePreprocessSpec(JSON.parse(value)) : undefined;
}
