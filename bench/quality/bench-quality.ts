/**
 * Retrieval-quality benchmark on Fashion-MNIST classes unseen in training (default: train on
 * classes 0–4 of the TRAIN split, evaluate on 5–9 of the TEST split): raw pixels, the softmax
 * baseline with the recipe's network and budget, the recipe itself, and every loss of the
 * registry with its usual miner on a shorter budget. One table (MAP@R, R@1, NMI, training
 * seconds, MAP@R relative to raw pixels), the recipe's goals with met/missed verdicts, then one
 * JSON line with every figure. A full run takes about half an hour; `--quick` is a smoke test.
 *
 * @example
 * npm run bench:quality
 * npm run bench:quality -- --train-classes 5-9 --eval-classes 0-4 --loss-seconds 60
 * npm run bench:quality -- --quick
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./quality-bench');

export {};
