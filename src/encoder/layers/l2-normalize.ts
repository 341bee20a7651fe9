import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];

export interface L2NormalizeArgs extends NonNullable<LayerArgs> {
  /** Floor on the squared norm, so a zero vector maps to zero instead of NaN. */
  epsilon?: number;
}

/**
 * Scales each row to unit Euclidean length: `x / sqrt(max(sum(x^2), epsilon))`.
 * The exported ONNX graph reproduces exactly this formula.
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] }), new L2Normalize({})] });
 */
export class L2Normalize extends tfl.layers.Layer {
  static readonly className = 'L2Normalize';
  readonly epsilon: number;

  constructor(args: L2NormalizeArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-12;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const squaredNorm = tf.sum(tf.square(x), -1, true);
      return tf.div(x, tf.sqrt(tf.maximum(squaredNorm, this.epsilon)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(L2Normalize);
