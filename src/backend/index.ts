export { selectBackend, backendPreferences } from './select-backend';
export type { BackendPreference, SelectedBackend, SelectBackendOptions, SkippedBackend } from './select-backend';
export { useWasmBackend, wasmBinaryDir } from './wasm-backend';
export type { WasmBackendInfo } from './wasm-backend';
export { registerWasmTrainingKernels } from './wasm-kernels';
export { registerTensorflowKernels } from './tensorflow-kernels';
