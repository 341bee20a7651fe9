import * as tf from '@tensorflow/tfjs-core';
import { disposeInfos, runKernel } from './run-kernel';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * `Conv2DBackpropFilter` for the wasm backend, built from the backend's own Transpose, Conv2D
 * and Slice kernels. The filter gradient of a convolution is itself a convolution:
 * `dW[i, j, c, o] = Σ_{n, y, x} xPadded[n, y·s + i, x·s + j, c] · dy[n, y, x, o]`, which is a
 * convolution of x (channels as batch, batch as channels) with dy (batch as input channels)
 * dilated by the forward stride, cropped to the filter size. With a single input channel (a
 * network's first layer on grey images) that convolution's whole-image kernel is slow on
 * XNNPACK, so the sum runs as one matrix product `patchesᵀ · dy` instead (see {@link viaPatches}).
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
  if (info.inChannels === 1) return viaPatches(x, dy, info, args.backend as WasmBackendLike);
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

/**
 * The filter gradient as `patchesᵀ · dy`: the transposed im2col matrix
 * `[filterHeight·filterWidth·inChannels, batch·outHeight·outWidth]` is written straight onto the
 * wasm heap (runs along image rows are contiguous when there is one channel), then one XNNPACK
 * product gives the gradient already in filter layout.
 */
function viaPatches(x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, backend: WasmBackendLike): tf.TensorInfo {
  const { batchSize, filterHeight, filterWidth, strideHeight, strideWidth, outHeight, outWidth, inHeight, inWidth, inChannels, outChannels } = info;
  const { top, left } = info.padInfo;
  const positions = batchSize * outHeight * outWidth;
  const patches = backend.makeOutput([1, filterHeight * filterWidth * inChannels, positions], 'float32');
  // Views taken after the allocation: growing the heap detaches earlier ones.
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const out = backend.typedArrayFromHeap(patches) as Float32Array;
  const rowStride = inWidth * inChannels;
  let k = 0;
  for (let i = 0; i < filterHeight; i++) {
    for (let j = 0; j < filterWidth; j++) {
      for (let c = 0; c < inChannels; c++) {
        for (let n = 0; n < batchSize; n++) {
          for (let y = 0; y < outHeight; y++) {
            const r = y * strideHeight + i - top;
            if (r < 0 || r >= inHeight) {
              out.fill(0, k, k + outWidth);
              k += outWidth;
              continue;
            }
            const base = (n * inHeight + r) * rowStride + c;
            for (let col = j - left, xx = 0; xx < outWidth; xx++, col += strideWidth) {
              out[k++] = col >= 0 && col < inWidth ? xs[base + col * inChannels] : 0;
            }
          }
        }
      }
    }
  }
  const dyRows = runKernel(tf.Reshape, { x: dy }, { shape: [1, positions, outChannels] }, backend);
  const product = runKernel(tf.BatchMatMul, { a: patches, b: dyRows }, { transposeA: false, transposeB: false }, backend);
  disposeInfos(backend, patches, dyRows);
  const dW = runKernel(tf.Reshape, { x: product }, { shape: [filterHeight, filterWidth, inChannels, outChannels] }, backend);
  disposeInfos(backend, product);
  return dW;
}

export const conv2DBackpropFilterConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc,
};
