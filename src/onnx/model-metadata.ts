import { onnx } from './proto';

/**
 * Returns `model` with `key` set to `value` in its ONNX metadata (`metadata_props`), replacing
 * any earlier value: facts that must travel with the file itself.
 *
 * @example
 * const tagged = withModelMetadata(bytes, 'discern.training', JSON.stringify({ trainClasses: [0, 1] }));
 */
export function withModelMetadata(model: Uint8Array, key: string, value: string): Uint8Array {
  const decoded = onnx.ModelProto.decode(model);
  decoded.metadataProps = [...decoded.metadataProps.filter((p) => p.key !== key), onnx.StringStringEntryProto.create({ key, value })];
  return onnx.ModelProto.encode(decoded).finish();
}

/**
 * The value stored under `key` in a model's ONNX metadata, or undefined.
 *
 * @example
 * readModelMetadata(readFileSync('model.onnx'), 'discern.training'); // '{"trainClasses":[0,1]}'
 */
export function readModelMetadata(model: Uint8Array, key: string): string | undefined {
  return onnx.ModelProto.decode(model).metadataProps.find((p) => p.key === key)?.value || undefined;
}
