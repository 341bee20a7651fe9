/**
 * Training throughput benchmark: samples/s of the default recipe's 28×28 CNN (everything
 * trainable) and of an MLP head on cached backbone features, on every TF.js backend available
 * (tfjs-node-gpu and tfjs-node are reported as not installed when absent), with batch size,
 * parameter counts, ms/step, a forward/backward/optimizer split and the kernels that dominate a
 * step. Prints a table with each figure beside its goal, then one JSON line with every figure.
 *
 * Runs in about two minutes with the defaults; `--seconds` and `--head-seconds` change the
 * measured run lengths, `--backends wasm` restricts the backends.
 *
 * @example
 * npm run bench:train
 * npm run bench:train -- --backends wasm --seconds 10
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./train-bench');

export {};
