export { registerWasmTrainingKernels, missingWasmKernelConfigs } from './register-wasm-training-kernels';
export type { RegisterWasmTrainingKernelsOptions } from './register-wasm-training-kernels';
export { conv2DBackpropFilter, conv2DBackpropFilterConfig } from './conv2d-backprop-filter';
export { createConv2DBackpropInput, conv2DBackpropInputConfig } from './conv2d-backprop-input';
export { createTile, tileConfig } from './tile';
export { unsortedSegmentSum, unsortedSegmentSumConfig } from './unsorted-segment-sum';
export { createUntransposingMatMul, batchMatMulConfig, fusedMatMulConfig } from './batch-mat-mul';
export { createMaxPoolGrad, maxPoolGradConfig } from './max-pool-grad';
