import * as tf from '@tensorflow/tfjs-core';
import { disposeInfos, runKernel } from './run-kernel';

/**
 * A faster `Conv2DBackpropInput` for the wasm backend. The stock kernel is a scalar C++ loop;
 * this one expresses the input gradient as a forward convolution so it runs on XNNPACK:
 * `dx = conv(zeroInsert(dy, stride), flip(W)ᵀ)` with padding `filter - 1 - forwardPad` on the
 * top/left. Geometries it cannot express that way (explicit padding wider than the filter)
 * go to `fallback`, the backend's original kernel.
 *
 * @example
 * const config = conv2DBackpropInputConfig(tf.getKernel('Conv2DBackpropInput', 'wasm'));
 */
export function createConv2DBackpropInput(fallback: tf.KernelFunc | undefined) {
  return function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { inputs, backend } = args;
    const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const { dy, filter } = inputs as unknown as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    if (attrs.dataFormat === 'NCHW') throw new Error("Conv2DBackpropInput (wasm): dataFormat 'NCHW' is not supported; use 'NHWC'");
    const info = tf.backend_util.computeConv2DInfo(
      attrs.inputShape,
      filter.shape as [number, number, number, number],
      attrs.strides,
      1,
      attrs.pad,
      attrs.dimRoundingMode,
      false,
      'channelsLast',
    );
    const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
    const top = filterHeight - 1 - info.padInfo.top;
    const left = filterWidth - 1 - info.padInfo.left;
    const bottom = inHeight - 1 + info.padInfo.top - (outHeight - 1) * strideHeight;
    const right = inWidth - 1 + info.padInfo.left - (outWidth - 1) * strideWidth;
    if (top < 0 || left < 0 || bottom < 0 || right < 0) {
      if (!fallback) throw new Error('Conv2DBackpropInput (wasm): padding wider than the filter is not supported');
      return fallback(args) as tf.TensorInfo;
    }

    const dilated = strideHeight === 1 && strideWidth === 1 ? dy : zeroInsert(dy, strideHeight, strideWidth, backend);
    const flipped = runKernel(tf.Reverse, { x: filter }, { dims: [0, 1] }, backend);
    const kernel = runKernel(tf.Transpose, { x: flipped }, { perm: [0, 1, 3, 2] }, backend);
    disposeInfos(backend, flipped);
    const dx = runKernel(
      tf.Conv2D,
      { x: dilated, filter: kernel },
      { strides: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap,
      backend,
    );
    disposeInfos(backend, kernel);
    if (dilated !== dy) disposeInfos(backend, dilated);
    return dx;
  };
}

/** Spreads rows/columns of `dy` `stride` apart with zeros between them: [N,H,W,C] → [N,(H-1)s+1,(W-1)s+1,C]. */
function zeroInsert(dy: tf.TensorInfo, sh: number, sw: number, backend: tf.KernelBackend): tf.TensorInfo {
  const [n, h, w, c] = dy.shape;
  const split = runKernel(tf.Reshape, { x: dy }, { shape: [n, h, 1, w, 1, c] }, backend);
  const padded = runKernel(
    tf.PadV2,
    { x: split },
    { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 } as unknown as tf.NamedAttrMap,
    backend,
  );
  disposeInfos(backend, split);
  const merged = runKernel(tf.Reshape, { x: padded }, { shape: [n, h * sh, w * sw, c] }, backend);
  disposeInfos(backend, padded);
  const trimmed = runKernel(tf.Slice, { x: merged }, { begin: [0, 0, 0, 0], size: [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c] }, backend);
  disposeInfos(backend, merged);
  return trimmed;
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function conv2DBackpropInputConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: tf.Conv2DBackpropInput,
    backendName: 'wasm',
    kernelFunc: createConv2DBackpropInput(original?.kernelFunc) as unknown as tf.KernelFunc,
    // The fallback's wasm binding is created by its setup when the backend initialises.
    setupFunc: original?.setupFunc,
  };
}
