import type * as tfl from '@tensorflow/tfjs-layers';
import type { ConversionContext, OnnxValue } from '../conversion-context';

/**
 * Turns one applied TF.js layer into ONNX nodes. Receives the layer's converted inputs and the
 * TF.js output shape; returns the value holding the layer's output.
 */
export type LayerConverter = (
  layer: tfl.layers.Layer,
  inputs: OnnxValue[],
  ctx: ConversionContext,
  outputShape: (number | null)[],
) => OnnxValue;

/** Reads a layer's config as a plain record. */
export function layerConfig(layer: tfl.layers.Layer): Record<string, unknown> {
  return layer.getConfig() as Record<string, unknown>;
}

/** Requires `channelsLast` (TF.js's default), the only layout the exported graph reads. */
export function requireChannelsLast(layer: tfl.layers.Layer): void {
  const format = layerConfig(layer).dataFormat;
  if (format !== undefined && format !== 'channelsLast') {
    throw new Error(`layer "${layer.name}" (${layer.getClassName()}): dataFormat "${String(format)}" is not supported; use channelsLast`);
  }
}

export function single(layer: tfl.layers.Layer, inputs: OnnxValue[]): OnnxValue {
  if (inputs.length !== 1) throw new Error(`layer "${layer.name}" (${layer.getClassName()}) expects 1 input, got ${inputs.length}`);
  return inputs[0];
}
