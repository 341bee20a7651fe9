/**
 * Query benchmark of the Node API and the edge worker over a 70k-item Fashion-MNIST catalog:
 * build time, open-loop latency at fixed offered loads, recall@10 against brute force, and
 * per-stage costs. Prints a table with each goal, then one JSON line with every figure.
 *
 * The service logs one line per request at `info`; the bench runs it at `warn` (override with
 * LOG_LEVEL) so that the figures measure serving, not stderr. Set BENCH_SECONDS for the length
 * of each load step and BENCH_LIMIT_PER_SPLIT for a smaller catalog.
 *
 * @example
 * npm run bench:query
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./query-bench');

export {};
