import * as tf from '@tensorflow/tfjs-core';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * A faster `MaxPoolGrad` for the wasm backend. The stock kernel visits every input pixel and
 * re-derives, for each window that covers it, where that window's maximum lies; in a conv-net's
 * training step it cost more than the convolution it follows. This one walks each pooling
 * window once, finds its first maximum (the element the cpu backend picks, ties included) and
 * adds the window's upstream gradient there, reading and writing the wasm heap directly.
 * Non-float32 inputs go to `fallback`.
 *
 * @example
 * const config = maxPoolGradConfig(tf.getKernel('MaxPoolGrad', 'wasm'));
 */
export function createMaxPoolGrad(fallback: tf.KernelFunc | undefined) {
  return function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { dy, input } = args.inputs as unknown as { dy: tf.TensorInfo; input: tf.TensorInfo };
    if (input.dtype !== 'float32' || dy.dtype !== 'float32') {
      if (!fallback) throw new Error(`MaxPoolGrad (wasm): dtype ${input.dtype} is not supported`);
      return fallback(args) as tf.TensorInfo;
    }
    const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
    const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
    const { top, left } = info.padInfo;
    const backend = args.backend as WasmBackendLike;
    const out = backend.makeOutput(input.shape, 'float32');
    const x = backend.typedArrayFromHeap(input) as Float32Array;
    const g = backend.typedArrayFromHeap(dy) as Float32Array;
    const dx = backend.typedArrayFromHeap(out) as Float32Array;
    dx.fill(0);
    const rowStride = inWidth * channels;
    const imageStride = inHeight * rowStride;
    let gi = 0;
    for (let b = 0; b < batchSize; b++) {
      const image = b * imageStride;
      for (let yr = 0; yr < outHeight; yr++) {
        const r0 = yr * strideHeight - top;
        const rMin = Math.max(0, r0);
        const rMax = Math.min(inHeight, r0 + filterHeight);
        for (let yc = 0; yc < outWidth; yc++) {
          const c0 = yc * strideWidth - left;
          const cMin = Math.max(0, c0);
          const cMax = Math.min(inWidth, c0 + filterWidth);
          for (let d = 0; d < channels; d++, gi++) {
            let best = -Infinity;
            let at = -1;
            for (let r = rMin; r < rMax; r++) {
              for (let c = cMin, k = image + r * rowStride + cMin * channels + d; c < cMax; c++, k += channels) {
                if (x[k] > best) {
                  best = x[k];
                  at = k;
                }
              }
            }
            if (at >= 0) dx[at] += g[gi];
          }
        }
      }
    }
    return out;
  };
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function maxPoolGradConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.MaxPoolGrad, backendName: 'wasm', kernelFunc: createMaxPoolGrad(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
