/**
 * Query benchmark of the Node API and the edge worker over a 70k-item Fashion-MNIST catalog:
 * build time, open-loop latency at fixed offered loads, recall@10 against brute force, and
 * per-stage costs; then `discern start` seeded with the catalog, its `/v1/search` p99 idle and
 * while the trainer trains and re-embeds everything (`p99MsIdle`, `p99MsDuringPublish`, one
 * run). Prints a table with each goal, then one JSON line with every figure.
 *
 * The service logs one line per request at `info`; the bench runs it at `warn` (override with
 * LOG_LEVEL) so that the figures measure serving, not stderr. Set BENCH_SECONDS for the length
 * of each load step, BENCH_LIMIT_PER_SPLIT for a smaller catalog, BENCH_PUBLISH_LIMIT_PER_SPLIT
 * for a smaller seeded catalog (e.g. 5000 for a quick run on 10k items; default the full 70k),
 * BENCH_PUBLISH_QPS (default 100) for the open-loop rate idle and during the publication (one
 * uninterrupted stream over the whole publication), and BENCH_PUBLISH_ONLY=1 to run that phase
 * alone.
 *
 * `--store embedded` (default), `--store qdrant` or `--store both` picks the vector store; `both`
 * measures each in the same run and prints them side by side. On Qdrant it also measures an
 * int8-quantized copy of the collection (recall@10, latency, memory and disk per vector); Qdrant
 * is `QDRANT_URL` when set, else one started with infra/qdrant/start.sh for the run (only then
 * are its memory and disk measured). Qdrant collections are made to build their HNSW index (and
 * int8 codes) at the bench's size, as a large catalog's would, before anything is timed.
 *
 * @example
 * npm run bench:query -- --store both
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./query-bench');

export {};
