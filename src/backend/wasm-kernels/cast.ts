import * as tf from '@tensorflow/tfjs-core';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * A `Cast` for the wasm backend that does not copy a tensor cast to the dtype it already has.
 * The stock kernel copies the data whatever the dtypes; gradients cast to float32 what already
 * is float32 (a ReLU's gradient mask, for one, in every layer of every backward pass). Such a
 * cast shares the input's memory, as `Identity` does. A cast to bool is `x !== 0`, as on cpu (the
 * stock kernel stores the number's low byte: 0.5 became 0, 256 became 0, -3 became 253). Other
 * conversions go to `fallback`.
 *
 * @example
 * const config = castConfig(tf.getKernel('Cast', 'wasm'));
 */
export function createCast(fallback: tf.KernelFunc | undefined) {
  return function cast(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    if (dtype === 'bool' && (x.dtype === 'float32' || x.dtype === 'int32')) return toBool(x, args.backend as WasmBackendLike);
    if (dtype !== x.dtype || dtype === 'string') {
      if (!fallback) throw new Error(`Cast (wasm): ${x.dtype} to ${dtype} is not supported`);
      return fallback(args) as tf.TensorInfo;
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype };
  };
}

function toBool(x: tf.TensorInfo, backend: WasmBackendLike): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  // Views taken after the allocation: growing the heap detaches earlier ones.
  const xs = backend.typedArrayFromHeap(x);
  const ys = backend.typedArrayFromHeap(out);
  for (let i = 0; i < xs.length; i++) ys[i] = xs[i] !== 0 ? 1 : 0;
  return out;
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function castConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.Cast, backendName: 'wasm', kernelFunc: createCast(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
