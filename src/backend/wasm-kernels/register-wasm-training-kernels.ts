import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients; tfjs-layers' bundle registers them all on import.
import '@tensorflow/tfjs-layers';
import { batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul';
import { conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputConfig } from './conv2d-backprop-input';
import { castConfig } from './cast';
import { identityConfig } from './identity';
import { maxPoolGradConfig } from './max-pool-grad';
import { sumConfig } from './sum';
import { tileConfig } from './tile';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum';

/** Gradient kernels the published wasm backend lacks. */
export const missingWasmKernelConfigs: readonly tf.KernelConfig[] = [conv2DBackpropFilterConfig, unsortedSegmentSumConfig];

/** Stock wasm kernels that dominate a training step, with faster replacements (given the original as fallback). */
const replacements: Record<string, (original: tf.KernelConfig | undefined) => tf.KernelConfig> = {
  [tf.Conv2DBackpropInput]: conv2DBackpropInputConfig,
  [tf.Tile]: tileConfig,
  [tf.MaxPoolGrad]: maxPoolGradConfig,
  [tf.BatchMatMul]: batchMatMulConfig,
  [tf._FusedMatMul]: fusedMatMulConfig,
  [tf.Identity]: identityConfig,
  [tf.Sum]: sumConfig,
  [tf.Cast]: castConfig,
};

const installed = new Set<tf.KernelFunc>();

export interface RegisterWasmTrainingKernelsOptions {
  /** Also replace slow stock kernels (Conv2DBackpropInput, Tile, MaxPoolGrad, transposed BatchMatMul/_FusedMatMul, Identity, Sum, same-dtype Cast) by faster ones. Default true. */
  replaceSlowKernels?: boolean;
}

/**
 * Makes the wasm backend able to train: registers the gradient kernels missing from
 * `@tensorflow/tfjs-backend-wasm` (Conv2DBackpropFilter, UnsortedSegmentSum) and, unless
 * disabled, swaps stock kernels that dominate a training step (conv-net and dense) for faster ones.
 * Also loads the gradient functions (via tfjs-layers). Idempotent.
 *
 * @returns the kernel names registered or replaced by this call.
 * @example
 * import '@tensorflow/tfjs-backend-wasm';
 * registerWasmTrainingKernels();
 * await tf.setBackend('wasm');
 */
export function registerWasmTrainingKernels(options: RegisterWasmTrainingKernelsOptions = {}): string[] {
  const changed: string[] = [];
  for (const config of missingWasmKernelConfigs) {
    if (tf.getKernel(config.kernelName, config.backendName) !== undefined) continue;
    tf.registerKernel(config);
    installed.add(config.kernelFunc);
    changed.push(config.kernelName);
  }
  if (options.replaceSlowKernels ?? true) {
    for (const [kernelName, replace] of Object.entries(replacements)) {
      const original = tf.getKernel(kernelName, 'wasm');
      if (original && installed.has(original.kernelFunc)) continue;
      const config = replace(original);
      if (original) tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel(config);
      installed.add(config.kernelFunc);
      changed.push(kernelName);
    }
  }
  return changed;
}
