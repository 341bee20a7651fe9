import * as tf from '@tensorflow/tfjs-core';
import { disposeInfos, runKernel } from './run-kernel';

/**
 * `Conv2DBackpropFilter` for the wasm backend, built from the backend's own Transpose, Conv2D
 * and Slice kernels. The filter gradient of a convolution is itself a convolution:
 * `dW[i, j, c, o] = Σ_{n, y, x} xPadded[n, y·s + i, x·s + j, c] · dy[n, y, x, o]`, which is a
 * convolution of x (channels as batch, batch as channels) with dy (batch as input channels)
 * dilated by the forward stride, cropped to the filter size.
 *
 * @example
 * tf.registerKernel(conv2DBackpropFilterConfig); // then tf.grad over tf.conv2d works on wasm
 */
export function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { inputs, backend } = args;
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const { x, dy } = inputs as unknown as { x: tf.TensorInfo; dy: tf.TensorInfo };
  if (attrs.dataFormat === 'NCHW') throw new Error("Conv2DBackpropFilter (wasm): dataFormat 'NCHW' is not supported; use 'NHWC'");
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  // Pad the bottom/right only as far as the last filter tap reaches; rows the forward pass never
  // read (valid padding with a stride that does not divide evenly) are cut off by the slice below.
  const bottom = Math.max(0, filterHeight + (outHeight - 1) * strideHeight - inHeight - top);
  const right = Math.max(0, filterWidth + (outWidth - 1) * strideWidth - inWidth - left);

  const xT = runKernel(tf.Transpose, { x }, { perm: [3, 1, 2, 0] }, backend);
  const dyT = runKernel(tf.Transpose, { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const conv = runKernel(
    tf.Conv2D,
    { x: xT, filter: dyT },
    {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [strideHeight, strideWidth],
    } as unknown as tf.NamedAttrMap,
    backend,
  );
  disposeInfos(backend, xT, dyT);
  let cropped = conv;
  if (conv.shape[1] !== filterHeight || conv.shape[2] !== filterWidth) {
    cropped = runKernel(tf.Slice, { x: conv }, { begin: [0, 0, 0, 0], size: [conv.shape[0], filterHeight, filterWidth, conv.shape[3]] }, backend);
    disposeInfos(backend, conv);
  }
  const dW = runKernel(tf.Transpose, { x: cropped }, { perm: [1, 2, 0, 3] }, backend);
  disposeInfos(backend, cropped);
  return dW;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
