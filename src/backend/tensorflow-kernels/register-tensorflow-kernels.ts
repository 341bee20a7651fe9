import * as tf from '@tensorflow/tfjs-core';
import { stepConfig } from './step';

/** tfjs-node kernels that cost a training step far more than the TensorFlow ops they stand for. */
const replacements: readonly tf.KernelConfig[] = [stepConfig];

/**
 * Swaps slow kernels of tfjs-node's `tensorflow` backend for faster ones. Call after importing
 * `@tensorflow/tfjs-node`; idempotent.
 *
 * @returns the kernel names replaced by this call.
 * @example
 * await import('@tensorflow/tfjs-node');
 * registerTensorflowKernels();
 */
export function registerTensorflowKernels(): string[] {
  const changed: string[] = [];
  for (const config of replacements) {
    if (tf.getKernel(config.kernelName, config.backendName)?.kernelFunc === config.kernelFunc) continue;
    if (tf.getKernel(config.kernelName, config.backendName)) tf.unregisterKernel(config.kernelName, config.backendName);
    tf.registerKernel(config);
    changed.push(config.kernelName);
  }
  return changed;
}
