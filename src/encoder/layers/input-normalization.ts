import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface InputNormalizationArgs extends NonNullable<LayerArgs> {
  /** Per-channel mean, in the units of the raw input (e.g. 0–255 pixel values). */
  mean: number[];
  /** Per-channel standard deviation, same units. */
  std: number[];
}

/**
 * Standardises raw inputs per channel (last axis): `(x - mean) / std`. Living inside the model
 * means the exported ONNX file takes raw pixels too, so every runtime preprocesses identically.
 *
 * @example
 * new InputNormalization({ mean: [72.9], std: [90.0], inputShape: [28, 28, 1] });
 */
export class InputNormalization extends tfl.layers.Layer {
  static readonly className = 'InputNormalization';
  readonly mean: number[];
  readonly std: number[];

  constructor(args: InputNormalizationArgs) {
    super(args);
    if (args.mean.length !== args.std.length) throw new Error('InputNormalization: mean and std must have the same length');
    if (args.std.some((s) => !(s > 0))) throw new Error('InputNormalization: std must be positive');
    this.mean = [...args.mean];
    this.std = [...args.std];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return tf.div(tf.sub(x, tf.tensor1d(this.mean)), tf.tensor1d(this.std));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), mean: this.mean, std: this.std };
  }
}

tf.serialization.registerClass(InputNormalization);
