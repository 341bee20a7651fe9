import * as tf from '@tensorflow/tfjs-core';
import { untransposesToXnnpack, withUntransposedOperands } from './batch-mat-mul';

/**
 * A faster `_FusedMatMul` (product + bias + activation, what `tf.fused.matMul` and dense layers
 * run) for the wasm backend. It shares the stock `BatchMatMul`'s C++ path, so with
 * `transposeA`/`transposeB` it leaves XNNPACK for a scalar loop; this one materialises the
 * transposed operand and calls `fallback`, the original kernel, without flags, keeping bias,
 * activation and PReLU weights as they are. Batched products go to `fallback` unchanged.
 *
 * @example
 * const config = fusedMatMulConfig(tf.getKernel('_FusedMatMul', 'wasm'));
 */
export function createFusedMatMul(fallback: tf.KernelFunc | undefined) {
  return function fusedMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    if (!fallback) throw new Error('_FusedMatMul (wasm): the backend has no _FusedMatMul kernel to run the product');
    const { a, b } = args.inputs as unknown as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    if (!untransposesToXnnpack(a, b, transposeA, transposeB)) return fallback(args) as tf.TensorInfo;
    return withUntransposedOperands(args, a, b, transposeA, transposeB, fallback);
  };
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function fusedMatMulConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return {
    kernelName: tf._FusedMatMul,
    backendName: 'wasm',
    kernelFunc: createFusedMatMul(original?.kernelFunc) as unknown as tf.KernelFunc,
    setupFunc: original?.setupFunc,
  };
}
