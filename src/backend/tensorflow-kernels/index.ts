export { registerTensorflowKernels } from './register-tensorflow-kernels';
