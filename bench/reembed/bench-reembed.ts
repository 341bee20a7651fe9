/**
 * Re-embedding benchmark: the time to fill a new version's collection in Qdrant with N
 * Fashion-MNIST items (BENCH_REEMBED_ITEMS, default 10,000) embedded by one model version (the
 * service trainer's encoder, untrained, in a filesystem model store the workers share), done
 * three ways in the same run: by the trainer alone (the catalog embedder, one batch at a time, then
 * with as many batches in flight as the trainer keeps: REEMBED_SESSIONS), and spread over
 * 1 and then 2 `discern reembed` worker processes through Kafka (`reembed-tasks` /
 * `reembed-done`). Every embedder uses one onnxruntime thread (ORT_THREADS, default 1), so two
 * workers can use two cores. Kafka and Qdrant are started for the run unless KAFKA_BROKERS /
 * QDRANT_URL are set. Prints a table, then one JSON line with `reembedSeconds: { local,
 * localInFlight, workers1, workers2 }`.
 *
 * @example
 * BENCH_REEMBED_ITEMS=2000 npm run bench:reembed
 */
// The bench's own Kafka and Qdrant clients log at warn unless LOG_LEVEL says otherwise (set before the logger loads).
process.env.LOG_LEVEL ??= 'warn';
await import('./reembed-workers-bench');

export {};
