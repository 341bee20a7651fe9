import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './wasm-kernels/register-wasm-training-kernels';

export interface WasmBackendInfo {
  /** Whether the SIMD build of the wasm binary was loaded. */
  simd: boolean;
  /** Whether the multi-threaded build was loaded (tfjs disables it under Node). */
  threads: boolean;
  /** Threads XNNPACK uses. */
  threadsCount: number;
  /** Directory the `.wasm` binaries were loaded from. */
  wasmDir: string;
}

/**
 * Directory holding the `.wasm` binaries of the installed `@tensorflow/tfjs-backend-wasm`
 * (with a trailing separator, as `setWasmPaths` expects a prefix).
 */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(packageJson), 'dist') + path.sep;
}

/**
 * Points the wasm backend at its binaries in node_modules (so it loads from disk, not via
 * fetch), registers the missing training kernels and activates it. tfjs picks the SIMD build
 * when the runtime validates SIMD bytecode; it never enables threads under Node, so the
 * SIMD single-threaded build is the best available here.
 *
 * @example
 * const info = await useWasmBackend(); // tf.getBackend() === 'wasm'
 */
export async function useWasmBackend(): Promise<WasmBackendInfo> {
  const wasmDir = wasmBinaryDir();
  setWasmPaths(wasmDir);
  registerWasmTrainingKernels();
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error(`wasm backend failed to initialise (binaries looked up in ${wasmDir})`);
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  return {
    simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
    threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
    threadsCount: getThreadsCount(),
    wasmDir,
  };
}
