import * as tf from '@tensorflow/tfjs-core';

/**
 * A zero-copy `Identity` for the wasm backend. The stock kernel copies the whole tensor on the
 * wasm heap; a training step runs it several times per activation (custom gradients pass their
 * inputs and outputs through it), each a full-size copy. Tensors never change in place, so the
 * output can share the input's memory, as the cpu backend's kernel does: one more reference,
 * no copy. String tensors go to `fallback`.
 *
 * @example
 * const config = identityConfig(tf.getKernel('Identity', 'wasm'));
 */
export function createIdentity(fallback: tf.KernelFunc | undefined) {
  return function identity(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
    const { x } = args.inputs as unknown as { x: tf.TensorInfo };
    if (x.dtype === 'string') {
      if (!fallback) throw new Error('Identity (wasm): string tensors are not supported');
      return fallback(args) as tf.TensorInfo;
    }
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Kernel config replacing the stock wasm kernel, keeping it as the fallback. */
export function identityConfig(original: tf.KernelConfig | undefined): tf.KernelConfig {
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: createIdentity(original?.kernelFunc) as unknown as tf.KernelFunc, setupFunc: original?.setupFunc };
}
