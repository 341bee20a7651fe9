/**
 * Ingest benchmark: accepted events per second over HTTP into a real Kafka broker (idempotent
 * producer, acks=all) for `POST /v1/feedback` batches of 1, 100 and 1000 events and, for
 * reference, `POST /v1/items` batches of 28×28 pixel items; single events from 64 concurrent
 * clients (`singleEventEventsPerS`, group commit at work) beside the raw producer's rate on
 * the same broker in the same run (`rawProducerEventsPerS`); the same against the embedded
 * (fsync'd) queue; p50/p99 request latency; CPU time per event of the API process and of the
 * broker; the same single-event load against bare node:http and Hono servers (the ceiling of
 * any Node service on this machine at that moment, with each server's CPU per request); and
 * where one 1000-event request's CPU time goes. The load generator runs in its own process and
 * sends prebuilt requests over keep-alive connections, so it takes a small share of the cores it
 * shares with the service. Prints a table with each goal, then one JSON line with every figure
 * and the load average at the start and the end.
 *
 * The service logs one line per request at `info`; the bench runs it at `warn` (override with
 * LOG_LEVEL) so that the figures measure ingest, not stderr. KAFKA_BROKERS uses a running
 * broker instead of starting one; BENCH_SECONDS sets the length of each load step (default 5),
 * BENCH_CONNECTIONS the connections of the load generator (default 4), BENCH_SINGLE_EVENT_CLIENTS
 * the clients of the single-event step (default 64); QUEUE_LINGER_MS, KAFKA_PRODUCERS and
 * QUEUE_WRITE_DEADLINE_MS are passed to the service. `--kafka-client kafkajs|platformatic|both`
 * picks the Kafka client library (default: the service's default, `KAFKA_CLIENT`; a list such as
 * `platformatic,kafkajs` sets the order). The goals are judged on the default client when measured. With two, a service per client runs at once on the same broker, and every Kafka step,
 * the queue's single events and each client's own raw producer are measured twice per client in
 * the order A B B A (the figures combine both runs), so that a load that drifts during the run
 * favours neither; the table ends with their ratios (second ÷ first). API CPU is the bench
 * process's, which hosts both services (the idle one only polls its dead-letter topic).
 *
 * @example
 * npm run bench:ingest
 * npm run bench:ingest -- --kafka-client both
 */
process.env.LOG_LEVEL ??= 'warn';
await import('./ingest-bench');

export {};
