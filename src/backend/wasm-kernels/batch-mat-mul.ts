import * as tf from '@tensorflow/tfjs-core';
import { disposeInfos, runKernel } from './run-kernel';

/**
 * A faster wasm matrix-product kernel (`BatchMatMul`, or `_FusedMatMul`: product + bias +
 * activation, what dense layers run). The stock kernels hand a product to XNNPACK only when
 * neither operand is transposed and the batch is 1; with `transposeA`/`transposeB` they run a
 * scalar C++ loop, 5–20× slower on the products a dense layer's backward pass makes (`xᵀ·dy`,
 * `dy·Wᵀ`). This one materialises the transposed operand with the wasm `Transpose` kernel and
 * calls `fallback`, the original kernel, without flags (bias, activation and PReLU weights stay
 * as they are). Batched products (more than one matrix) take the scalar loop either way, so they
 * go to `fallback` unchanged.
 *
 * @example
 * const kernel = createUntransposingMatMul('BatchMatMul', tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc);
 */
export function createUntransposingMatMul(kernelName: string, fallback: tf.KernelFunc | undefined) {
  // Named after the kernel ('BatchMatMul' → batchMatMul), so the registry shows which one runs.
  const functionName = kernelName.replace(/^_/, '').replace(/^./, (c) => c.toLowerCase());
  return {
    [functionName](args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
      if (!fallback) throw new Error(`${kernelName} (wasm): the backend has no ${kernelName} kernel to run the product`);
      const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
      if (!untransposesToXnnpack(a, b, transposeA, transposeB)) return fallback(args) as tf.TensorInfo;
      return withUntransposedOperands(args, a, b, transposeA, transposeB, fallback);
    },
  }[functionName];
}

/**
 * Whether materialising the transposes lets the stock kernel use XNNPACK: some flag is set,
 * both operands are float32 (the stock kernel's own error for other dtypes stays in place) and
 * each holds a single matrix.
 */
export function untransposesToXnnpack(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  if (!transposeA && !transposeB) return false;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return false;
  return batchSize(a) === 1 && batchSize(b) === 1;
}

/** Runs `kernel` with `a`/`b` replaced by their materialised transposes and both flags cleared. */
export function withUntransposedOperands(
  args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap },
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  kernel: tf.KernelFunc,
): tf.TensorInfo {
  const { backend } = args;
  const plainA = transposeA ? transposeInnerAxes(a, backend) : a;
  const plainB = transposeB ? transposeInnerAxes(b, backend) : b;
  try {
    return kernel({
      inputs: { ...args.inputs, a: plainA, b: plainB },
      backend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  } finally {
    if (plainA !== a) disposeInfos(backend, plainA);
    if (plainB !== b) disposeInfos(backend, plainB);
  }
}

function batchSize(x: tf.TensorInfo): number {
  return x.shape.slice(0, -2).reduce((p, d) => p * d, 1);
}

function transposeInnerAxes(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank - 2).keys(), rank - 1, rank - 2];
  return runKernel(tf.Transpose, { x }, { perm }, backend);
}

/** Kernel config replacing the stock wasm `kernelName` kernel, keeping it as the fallback. */
export function untransposingMatMulConfig(kernelName: typeof tf.BatchMatMul | typeof tf._FusedMatMul, original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: createUntransposingMatMul(kernelName, original?.kernelFunc) as unknown as tf.KernelFunc,
    // The fallback's wasm binding is created by its setup when the backend initialises.
    setupFunc: original?.setupFunc,
  };
}

/** The `BatchMatMul` replacement's config. */
export const batchMatMulConfig = (original: tf.KernelConfig | undefined) => untransposingMatMulConfig(tf.BatchMatMul, original);

/** The `_FusedMatMul` replacement's config. */
export const fusedMatMulConfig = (original: tf.KernelConfig | undefined) => untransposingMatMulConfig(tf._FusedMatMul, original);
