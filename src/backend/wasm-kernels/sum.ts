import * as tf from '@tensorflow/tfjs-core';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * A faster `Sum` for the wasm backend when the summed axes lead (`[0, …, k-1]`) and the kept ones
 * trail: what a bias gradient is (a conv layer's `dy` [N,H,W,C] summed to [C]). The stock kernel
 * first transposes the whole tensor so the summed axes come last, then sums; this one adds the
 * rows into one accumulator in a single pass over the wasm heap, in the order the cpu backend
 * adds them (and, like it, in double precision). Other axes and dtypes go to `fallback`.
 *
 * @example
 * const config = sumConfig(tf.getKernel('Sum', 'wasm'));
 */
export function createSum(fallback: tf.KernelFunc | undefined) {
  return function sum(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) {
      if (!fallback) throw new Error(`Sum (wasm): axes ${axes} of a ${x.dtype} tensor are not supported`);
      return fallback(args) as tf.TensorInfo;
    }
    const backend = args.backend as WasmBackendLike;
    const kept = x.shape.slice(axes.length);
    const out = backend.makeOutput(keepDims ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    // Views taken after the allocation: growing the heap detaches earlier ones.
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const ys = backend.typedArrayFromHeap(out) as Float32Array;
    const cols = ys.length;
    const acc = new Float64Array(cols);
    for (let offset = 0; offset < xs.length; offset += cols) {
      for (let c = 0; c < cols; c++) acc[c] += xs[offset + c];
    }
    ys.set(acc);
    return out;
  };
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function sumConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: createSum(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
