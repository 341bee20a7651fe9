import * as tf from '@tensorflow/tfjs-core';

type WasmBackendLike = tf.KernelBackend & {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
};

/**
 * A faster `Tile` for the wasm backend. The stock kernel computes a multi-dimensional index per
 * output element, which made it the slowest op of a BatchNormalization backward pass (tfjs
 * tiles the per-channel variance to the activation shape). This one copies whole contiguous
 * blocks: place `x` once, then, from the innermost axis outwards, duplicate the filled block
 * `reps - 1` times with `copyWithin` on the wasm heap. String tensors go to `fallback`.
 *
 * @example
 * const config = tileConfig(tf.getKernel('Tile', 'wasm'));
 */
export function createTile(fallback: tf.KernelFunc | undefined) {
  return function tile(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if (x.dtype === 'string' || x.shape.length === 0) {
      if (!fallback) throw new Error(`Tile (wasm): dtype ${x.dtype} of rank ${x.shape.length} is not supported`);
      return fallback(args) as tf.TensorInfo;
    }
    const backend = args.backend as WasmBackendLike;
    const inShape = x.shape;
    const rank = inShape.length;
    const outShape = inShape.map((d, i) => d * reps[i]);
    const out = backend.makeOutput(outShape, x.dtype);
    if (outShape.some((d) => d === 0)) return out;
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const outStrides = stridesOf(outShape);

    // Place x's rows (contiguous along the last axis) at their first-tile positions.
    const row = inShape[rank - 1];
    const rows = src.length / row;
    for (let r = 0; r < rows; r++) {
      let rem = r;
      let offset = 0;
      for (let axis = rank - 2; axis >= 0; axis--) {
        offset += (rem % inShape[axis]) * outStrides[axis];
        rem = Math.floor(rem / inShape[axis]);
      }
      dst.set(src.subarray(r * row, (r + 1) * row), offset);
    }

    // Axis by axis, innermost first: everything inside the first tile of `axis` is filled, so
    // copying that block fills the remaining tiles along `axis`.
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (reps[axis] === 1) continue;
      const block = inShape[axis] * outStrides[axis];
      const prefixes = inShape.slice(0, axis).reduce((a, b) => a * b, 1);
      for (let p = 0; p < prefixes; p++) {
        let rem = p;
        let base = 0;
        for (let a = axis - 1; a >= 0; a--) {
          base += (rem % inShape[a]) * outStrides[a];
          rem = Math.floor(rem / inShape[a]);
        }
        for (let t = 1; t < reps[axis]; t++) dst.copyWithin(base + t * block, base, base + block);
      }
    }
    return out;
  };
}

function stridesOf(shape: number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function tileConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.Tile, backendName: 'wasm', kernelFunc: createTile(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
