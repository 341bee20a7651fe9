import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';

/**
 * The ONNX protobuf messages (`ModelProto`, `GraphProto`, `NodeProto`, …). `onnx-proto` ships as
 * CommonJS whose namespace is attached at runtime, so it is reached through the default export.
 *
 * @example
 * const bytes = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8 })).finish();
 */
export const onnx: typeof OnnxTypes = onnxProto.onnx;

export type { OnnxTypes };

/** ONNX `TensorProto.DataType` codes used here. */
export const OnnxDataType = { FLOAT: 1, INT64: 7 } as const;

/** protobufjs decodes int64 fields as `Long` objects when the `long` package is present. */
export function int64ToNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}
