import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** The parts of a tfjs-layers Conv2D its training-mode call needs (protected in its typings). */
interface Conv2DInternals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: number[];
  padding: string;
  dataFormat: string;
  dilationRate: number[];
  activation: { apply(x: tf.Tensor): tf.Tensor };
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[];
}

/**
 * Makes a tfjs-layers `Conv2D` layer compute, in training mode only, a plain convolution plus
 * bias instead of tfjs' fused convolution: the same values, but a gradient that is evaluated
 * only for the inputs that need one. The fused op's gradient computes the input gradient
 * eagerly, and for a network's first layer, whose input is data, that is a whole
 * full-resolution convolution thrown away on every step. Inference, weights, config and
 * serialisation stay as they are. Layers it cannot express this way (channels-first, causal
 * padding) are returned unchanged.
 *
 * @example
 * layers.push(lazyInputGradient(tfl.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same' })));
 */
export function lazyInputGradient<L extends tfl.layers.Layer>(layer: L): L {
  const conv = layer as unknown as Conv2DInternals;
  if (conv.dataFormat !== 'channelsLast' || (conv.padding !== 'same' && conv.padding !== 'valid')) return layer;
  const fusedCall = conv.call.bind(layer);
  conv.call = (inputs, kwargs) => {
    if (!kwargs?.training) return fusedCall(inputs, kwargs);
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const padding = conv.padding as 'same' | 'valid';
      let y: tf.Tensor = tf.conv2d(x, conv.kernel.read() as tf.Tensor4D, conv.strides as [number, number], padding, 'NHWC', conv.dilationRate as [number, number]);
      if (conv.bias) y = tf.add(y, conv.bias.read());
      return conv.activation.apply(y);
    });
  };
  return layer;
}
