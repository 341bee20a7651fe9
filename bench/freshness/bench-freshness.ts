/**
 * Freshness benchmark of the service over a 70k-item catalog (Fashion-MNIST
 * test split unlabelled, then train split labelled, sent through `POST /v1/items`): seeding
 * time, time to re-embed and index the whole catalog for a new model version, time from a
 * feedback batch's 202 to searches answered by a new model version, and peak resident memory
 * of the service process (API and trainer share it). Prints a table with each goal, then one
 * JSON line with every figure.
 *
 * The service runs as a child process at LOG_LEVEL `warn` (override with SERVICE_LOG_LEVEL);
 * the bench's own progress lines go to stderr. BENCH_ROUNDS sets how many feedback batches are
 * timed (default 2; rounds after the first are skipped when they would take the bench past
 * BENCH_TIME_BUDGET_S, default 480); BENCH_LIMIT_PER_SPLIT a smaller catalog for a quick check.
 * Also reported: the CPU seconds of re-embedding, timed directly once the service has stopped,
 * since wall-clock figures on a shared machine mostly measure the other load. BENCH_CPU_PROF_DIR
 * runs the service under `node --cpu-prof` and writes a profile per thread (API, trainer) there.
 *
 * `--store embedded` (default), `--store qdrant` or `--store both` picks the vector store the
 * service runs on; `both` runs the whole measurement on each and prints them side by side. Qdrant
 * is `QDRANT_URL` when set, else one started with infra/qdrant/start.sh for the run.
 *
 * @example
 * npm run bench:freshness -- --store both
 */
await import('./freshness-bench');

export {};
