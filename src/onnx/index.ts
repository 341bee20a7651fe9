export { exportToOnnx, appendEncoderGraph, type EncoderParts, type OnnxExportOptions } from './export-to-onnx';
export { OnnxGraphBuilder, floatValueInfo, type OnnxDim } from './graph-builder';
export { MIN_OPSET, encodeModel } from './model-encoder';
export { onnx, int64ToNumber, type OnnxTypes } from './proto';
export type { OnnxValue, Layout } from './conversion-context';
