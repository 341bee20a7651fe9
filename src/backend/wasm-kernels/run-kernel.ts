import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs another kernel already registered for the same backend, on backend-level tensor infos.
 * Composite kernels use it so they reuse the backend's native (XNNPACK) implementations instead
 * of copying data through JavaScript.
 *
 * @example
 * const t = runKernel('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend);
 */
export function runKernel(
  kernelName: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap,
  backend: tf.KernelBackend,
  backendName = 'wasm',
): tf.TensorInfo {
  const kernel = tf.getKernel(kernelName, backendName);
  if (kernel === undefined) throw new Error(`Kernel '${kernelName}' is not registered for backend '${backendName}'`);
  const out = kernel.kernelFunc({ inputs, attrs, backend });
  if (Array.isArray(out)) throw new Error(`Kernel '${kernelName}' returned several outputs; expected one`);
  return out;
}

/** Frees intermediate tensor infos produced by {@link runKernel}. */
export function disposeInfos(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}
