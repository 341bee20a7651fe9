import { parsePreprocessSpec, type PreprocessSpec } from '../backbone';
import { onnx } from '../onnx/proto';

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
  const decoded = onnx.ModelProto.decode(model);
  decoded.metadataProps = [...decoded.metadataProps.filter((p) => p.key !== PREPROCESS_METADATA_KEY), onnx.StringStringEntryProto.create({ key: PREPROCESS_METADATA_KEY, value: JSON.stringify(spec) })];
  return onnx.ModelProto.encode(decoded).finish();
}

/**
 * The preprocessing recorded by {@link withPreprocessMetadata}; undefined for models that take
 * raw 0–255 NHWC pixels.
 *
 * @example
 * const spec = readPreprocessMetadata(readFileSync('fused.onnx'));
 */
export function readPreprocessMetadata(model: Uint8Array): PreprocessSpec | undefined {
  const entry = onnx.ModelProto.decode(model).metadataProps.find((p) => p.key === PREPROCESS_METADATA_KEY);
  return entry?.value ? parsePreprocessSpec(JSON.parse(entry.value)) : undefined;
}
