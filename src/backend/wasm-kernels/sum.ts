import * as tf from '@tensorflow/tfjs-core';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * A faster `Sum` for the wasm backend when the summed axes lead (`[0, …, k-1]`) and the kept ones
 * trail: what a bias gradient is (a conv layer's `dy` [N,H,W,C] summed to [C]). The stock kernel
 * first transposes the whole tensor so the summed axes come last, then sums; this one adds the
 * rows in a single pass over the wasm heap, in double precision as the cpu backend does. Other
 * axes and dtypes go to `fallback`.
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
    ys.set(sumRows(xs, ys.length));
    return out;
  };
}

/** Rows per block: a block's values stay in the core's fastest cache while its columns are summed. */
const BLOCK_VALUES = 4096;

/**
 * Column sums of the `cols`-wide rows of `xs`, in double precision. Block by block, four
 * columns at a time go into local accumulators (an accumulator array, read and written per
 * value, made the plain loop several times slower on the 16-channel gradients of a first layer).
 */
function sumRows(xs: Float32Array, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  const rows = cols === 0 ? 0 : xs.length / cols;
  const blockRows = Math.max(1, Math.floor(BLOCK_VALUES / cols));
  const wide = cols - (cols % 4);
  for (let first = 0; first < rows; first += blockRows) {
    const start = first * cols;
    const end = Math.min(rows, first + blockRows) * cols;
    for (let c = 0; c < wide; c += 4) {
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let k = start + c; k < end; k += cols) {
        a0 += xs[k];
        a1 += xs[k + 1];
        a2 += xs[k + 2];
        a3 += xs[k + 3];
      }
      acc[c] += a0;
      acc[c + 1] += a1;
      acc[c + 2] += a2;
      acc[c + 3] += a3;
    }
    for (let c = wide; c < cols; c++) {
      let a = 0;
      for (let k = start + c; k < end; k += cols) a += xs[k];
      acc[c] += a;
    }
  }
  return acc;
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function sumConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.Sum, backendName: 'wasm', kernelFunc: createSum(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
