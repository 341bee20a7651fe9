import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { OnnxGraphBuilder } from './graph-builder';

/**
 * How a value is laid out in the ONNX graph. `tf` is exactly TF.js's layout (NHWC for images);
 * `channelsFirst` is the NCHW transpose that ONNX Conv/Pool/BatchNormalization require. Values
 * stay channels-first across consecutive spatial layers so only layout changes cost a Transpose.
 */
export type Layout = 'tf' | 'channelsFirst';

/** A tensor of the ONNX graph, with its TF.js shape (batch first, `null` for unknown dims). */
export interface OnnxValue {
  name: string;
  shape: (number | null)[];
  layout: Layout;
}

/** A layer's weights, keyed by the last segment of the variable name (`kernel`, `bias`, `gamma`…). */
export type LayerWeights = Map<string, { values: Float32Array; shape: number[] }>;

/**
 * Shared state while converting one TF.js model graph: the graph being built, the name scope, and
 * memoised layout transposes.
 *
 * @example
 * const ctx = new ConversionContext(new OnnxGraphBuilder(), 'encoder/');
 * const nchw = ctx.toChannelsFirst({ name: 'input', shape: [null, 28, 28, 1], layout: 'tf' });
 */
export class ConversionContext {
  private readonly otherLayout = new Map<string, OnnxValue>();

  constructor(
    readonly graph: OnnxGraphBuilder,
    readonly scope: string,
  ) {}

  /** A node name under this context's scope, e.g. `encoder/conv2d_1/Conv`. */
  nodeName(layer: tfl.layers.Layer, op: string): string {
    return `${this.layerScope(layer)}/${op}`;
  }

  /** The name prefix for everything a layer emits, e.g. `encoder/conv2d_1`. */
  layerScope(layer: tfl.layers.Layer): string {
    return `${this.scope}${layer.name}`;
  }

  toTfLayout(value: OnnxValue): OnnxValue {
    return value.layout === 'tf' ? value : this.transpose(value, 'tf', [0, 2, 3, 1]);
  }

  toChannelsFirst(value: OnnxValue): OnnxValue {
    if (value.layout === 'channelsFirst') return value;
    if (value.shape.length !== 4) throw new Error(`expected a rank-4 image tensor, got shape ${formatShape(value.shape)}`);
    return this.transpose(value, 'channelsFirst', [0, 3, 1, 2]);
  }

  /** The ONNX axis holding TF's last (channel) axis for this value's layout. */
  channelAxis(value: OnnxValue): number {
    return this.onnxAxis(value, -1);
  }

  /** The ONNX axis holding TF axis `tfAxis` (negative counts from the end) for this value's layout. */
  onnxAxis(value: OnnxValue, tfAxis: number): number {
    const rank = value.shape.length;
    const axis = tfAxis < 0 ? tfAxis + rank : tfAxis;
    if (axis < 0 || axis >= rank) throw new Error(`axis ${tfAxis} is out of range for shape ${formatShape(value.shape)}`);
    return value.layout === 'channelsFirst' ? [0, 2, 3, 1][axis] : axis;
  }

  private transpose(value: OnnxValue, layout: Layout, perm: number[]): OnnxValue {
    const cached = this.otherLayout.get(value.name);
    if (cached) return cached;
    const name = this.graph.addNode('Transpose', [value.name], `${value.name}/to_${layout}`, { perm });
    const converted: OnnxValue = { name, shape: value.shape, layout };
    this.otherLayout.set(value.name, converted);
    this.otherLayout.set(name, value);
    return converted;
  }
}

/** Reads a layer's current weights as float32 arrays. */
export function readLayerWeights(layer: tfl.layers.Layer): LayerWeights {
  const weights: LayerWeights = new Map();
  for (const variable of layer.weights) {
    const key = (variable.originalName ?? variable.name).split('/').pop()!.replace(/_\d+$/, '');
    const tensor = variable.read();
    weights.set(key, { values: Float32Array.from(tensor.dataSync() as Float32Array), shape: [...tensor.shape] });
  }
  return weights;
}

/** Reads a required weight, failing with the layer's name when missing. */
export function requireWeight(layer: tfl.layers.Layer, weights: LayerWeights, key: string): { values: Float32Array; shape: number[] } {
  const weight = weights.get(key);
  if (!weight) throw new Error(`layer "${layer.name}" (${layer.getClassName()}) has no "${key}" weight`);
  return weight;
}

/** Permutes a weight tensor's axes, e.g. TF's HWIO conv kernel to ONNX's OIHW. */
export function permuteWeight(weight: { values: Float32Array; shape: number[] }, perm: number[]): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const t = tf.transpose(tf.tensor(weight.values, weight.shape), perm);
    return { values: Float32Array.from(t.dataSync() as Float32Array), shape: [...t.shape] };
  });
}

/** Writes a TF.js shape as `[null, 28, 28, 1]`. */
export function formatShape(shape: (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}
