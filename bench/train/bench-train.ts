/**
 * Training throughput benchmark: samples/s of the default recipe's 28×28 CNN (everything
 * trainable) and of an MLP head on cached backbone features, on every TF.js backend available
 * (tfjs-node-gpu and tfjs-node are reported as not installed when absent), with batch size,
 * parameter counts, ms/step, a forward/backward/optimizer split and the kernels that dominate a
 * step. Then the same network, batch (P=5 × Q=32) and loss (multi-similarity + miner, Adam) side
 * by side with PyTorch when `python3` can import torch and pytorch-metric-learning
 * (bench/train/torch_reference.py, an optional reference): TF.js and PyTorch runs alternate and
 * both rates and their ratio come from the same run, per second of wall-clock time and per second
 * of CPU time each process used (the figure other load on a shared machine disturbs least).
 * Prints a table with each figure beside its goal, then one JSON line with every figure,
 * `samplesPerS`, `referenceSamplesPerS` (null without torch), `ratio`, `cpuSamplesPerS`,
 * `referenceCpuSamplesPerS` and `cpuRatio` among them.
 *
 * Runs in about three minutes with the defaults; `--seconds` and `--head-seconds` change the
 * measured run lengths, `--backends wasm` restricts the backends, `--reference-seconds`,
 * `--reference-rounds`, `--reference-threads` and `--no-reference` shape the comparison.
 *
 * @example
 * npm run bench:train
 * npm run bench:train -- --backends wasm --seconds 10
 * npm run bench:train -- --backends wasm --reference-seconds 20 --reference-threads 2
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./train-bench');

export {};
