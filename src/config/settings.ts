import { z } from 'zod';
import { lossNames, minerNames } from '../dml/registered';
import { queueKinds } from '../queue/registered';
import { KAFKA_CLIENTS } from '../queue/kafka-clients';
import { vectorStoreKinds } from '../store/registered';

/** One environment variable the service reads. */
export interface Setting {
  name: string;
  /** Default as written in the environment; `undefined` when the setting is optional. */
  default: string | undefined;
  description: string;
  schema: z.ZodType;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const positive = z.coerce.number().positive();
const optionalText = z.string().min(1).optional();

/** Losses and miners the trainer understands: the registry's names. */
export const LOSSES = lossNames;
export const MINERS = minerNames;
export const BACKENDS = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Every environment variable, in the order `--help` and the README list them. The defaults
 * here are the single source of truth.
 */
export const SETTINGS = [
  { name: 'PORT', default: '8080', description: 'HTTP port of the API', schema: int(0, 65535) },
  { name: 'HOST', default: '0.0.0.0', description: 'Address the API listens on', schema: z.string().min(1) },
  { name: 'DISCERN_DATA_DIR', default: './.data', description: 'Directory for the embedded queue, vector store, models and checkpoints', schema: z.string().min(1) },
  { name: 'DISCERN_API_KEY', default: undefined, description: 'When set, every route but `/healthz`, `/readyz` and `/openapi.json` needs a key in `x-api-key` or `Authorization: Bearer` (401 missing, 403 wrong): writes this one, reads this one or `DISCERN_READ_API_KEY`', schema: optionalText },
  { name: 'DISCERN_QUEUE', default: 'embedded', description: 'Event queue: `embedded` (fsync\'d local log) or `kafka`', schema: z.enum(queueKinds) },
  { name: 'KAFKA_BROKERS', default: 'localhost:9092', description: 'Comma-separated Kafka bootstrap brokers (host:port)', schema: z.string().min(1) },
  { name: 'KAFKA_TOPIC_PREFIX', default: 'discern', description: 'Kafka topics are named `<prefix>.items`, `<prefix>.feedback`, `<prefix>.dead-letters`', schema: z.string().regex(/^[A-Za-z0-9._-]+$/) },
  { name: 'KAFKA_PARTITIONS', default: '6', description: 'Partitions per topic when the topics are created', schema: int(1, 10_000) },
  { name: 'KAFKA_CLIENT_ID', default: 'discern', description: 'Kafka client id', schema: z.string().min(1) },
  { name: 'DISCERN_VECTOR_STORE', default: 'embedded', description: 'Vector store: `embedded` (local) or `qdrant`', schema: z.enum(vectorStoreKinds) },
  { name: 'QDRANT_URL', default: 'http://localhost:6333', description: 'Qdrant REST endpoint', schema: z.url() },
  { name: 'QDRANT_API_KEY', default: undefined, description: 'Qdrant API key (optional)', schema: optionalText },
  { name: 'MAX_BODY_BYTES', default: '33554432', description: 'Largest accepted request body in bytes (larger: 413)', schema: int(1024) },
  { name: 'MAX_BATCH_ITEMS', default: '1000', description: 'Most items or feedback events in one request (more: 413)', schema: int(1, 1_000_000) },
  { name: 'PUBLISH_EVERY_STEPS', default: '500', description: 'Trainer publishes a model version every N training steps', schema: int(1) },
  { name: 'PUBLISH_EVERY_SECONDS', default: '300', description: '…or every N seconds, whichever comes first', schema: positive },
  { name: 'FEEDBACK_FRESHNESS_SECONDS', default: '10', description: 'New feedback reaches search (a published version) at most this many seconds after the trainer reads it: the publication starts that long after the feedback less the time the last one that went live took', schema: positive },
  { name: 'FEEDBACK_TRAINING_STEPS', default: '60', description: 'Training steps each arrival of new feedback grants the trainer before it publishes', schema: int(1) },
  { name: 'TRAINER_METRICS_PORT', default: undefined, description: 'When set, `discern trainer` serves `/metrics` and `/healthz` on this port', schema: int(0, 65535).optional() },
  { name: 'KEEP_VERSIONS', default: '5', description: 'Model versions (and their collections) kept before older ones are deleted', schema: int(1) },
  { name: 'P', default: '8', description: 'Classes per training batch (P×Q sampling)', schema: int(2) },
  { name: 'Q', default: '4', description: 'Examples per class in a training batch (P×Q sampling)', schema: int(2) },
  { name: 'LOSS', default: 'multi-similarity', description: `Metric-learning loss: ${LOSSES.join(', ')}`, schema: z.enum(LOSSES) },
  { name: 'MINER', default: 'multi-similarity', description: `Pair/triplet miner: ${MINERS.join(', ')}`, schema: z.enum(MINERS) },
  { name: 'LEARNING_RATE', default: '0.001', description: 'Optimizer learning rate', schema: positive },
  { name: 'REPLAY_SIZE', default: '20000', description: 'Labelled examples kept in the trainer\'s replay memory', schema: int(1) },
  { name: 'EMBEDDING_DIM', default: '128', description: 'Embedding dimension of new models', schema: int(2, 4096) },
  { name: 'DISCERN_BACKEND', default: 'auto', description: `TF.js backend for training: ${BACKENDS.join(', ')}`, schema: z.enum(BACKENDS) },
  { name: 'VECTOR_QUANTIZATION', default: 'none', description: 'Qdrant only: `int8` creates each new collection with scalar (int8) quantized vectors in RAM and the float32 originals on disk, and rescores searches with the originals (about 4× less vector memory); `none` keeps float32 vectors in RAM', schema: z.enum(['none', 'int8']) },
  { name: 'QDRANT_SHARDS', default: '1', description: 'Qdrant only: shards of each new collection (spread over the cluster\'s nodes; see infra/README.md for sizing)', schema: int(1, 1000) },
  { name: 'QDRANT_REPLICATION_FACTOR', default: '1', description: 'Qdrant only: copies of each shard on different nodes (2 or more survive a node loss and add search throughput)', schema: int(1, 100) },
  { name: 'LOG_LEVEL', default: 'info', description: `Log level: ${LOG_LEVELS.join(', ')}`, schema: z.enum(LOG_LEVELS) },
  { name: 'MAX_IMAGE_PIXELS', default: '16777216', description: 'Largest image (width × height, as its header declares) an item may carry; larger: 400', schema: int(1, 1 << 30) },
  { name: 'UNKNOWN_ITEM_IDS', default: 'reject', description: '`reject`: feedback, and items without image, pixels or vector, naming an id that is neither indexed nor recently accepted by this API get 400, once the trainer has applied every item record; `accept` turns the check off (the trainer dead-letters what it cannot apply)', schema: z.enum(['reject', 'accept']) },
  { name: 'RECENT_ITEMS_KEPT', default: '200000', description: 'Item writes the API remembers (for item status and id checks before the trainer indexes them)', schema: int(1) },
  { name: 'DEAD_LETTERS_KEPT', default: '100000', description: 'Newest dead letters the API keeps in memory for `GET /v1/dead-letters` and item status', schema: int(1) },
  { name: 'TRAINER_THREADS', default: undefined, description: 'Threads the trainer re-embeds the catalog with (onnxruntime), and trains with on the tensorflow backend (TensorFlow\'s intra-op threads); default all cores (under `npm start` they run at `TRAINER_NICE`, so the API comes first)', schema: int(1, 1024).optional() },
  { name: 'TRAINER_NICE', default: '10', description: 'Under `npm start`, scheduling niceness of the trainer\'s thread (0–19; higher leaves more CPU to the API)', schema: int(0, 19) },
  { name: 'TRAINER_RESTART_BACKOFF_SECONDS', default: '1', description: 'Under `npm start`, delay before restarting a failed trainer; doubles with each consecutive failure', schema: positive },
  { name: 'TRAINER_RESTART_BACKOFF_MAX_SECONDS', default: '60', description: 'Longest delay between trainer restarts', schema: positive },
  { name: 'TRAINER_MAX_FAILURES', default: '3', description: '`/readyz` answers 503 once the trainer failed this many times within `TRAINER_FAILURE_WINDOW_SECONDS` (until it makes progress again)', schema: int(1) },
  { name: 'TRAINER_FAILURE_WINDOW_SECONDS', default: '300', description: 'Window in which trainer failures are counted', schema: positive },
  { name: 'TRAINER_HEARTBEAT_TIMEOUT_SECONDS', default: '60', description: 'A trainer silent for this long is reported unhealthy by `/readyz` and restarted', schema: positive },
  { name: 'DISCERN_READ_API_KEY', default: undefined, description: 'A second key that reads and searches (not writes) accept; needs `DISCERN_API_KEY`', schema: optionalText },
  { name: 'MAX_QUERY_PIXELS', default: '16777216', description: 'Most pixels (width × height) of the image or pixel grid in one `/v1/embed` or `/v1/search` request (more: 413)', schema: int(1) },
  { name: 'COMPUTE_RATE_LIMIT', default: '0', description: 'Requests per second each API key (or client address, without one) may make to `/v1/embed` and `/v1/search` (more: 429 with `Retry-After`); 0 turns the limit off', schema: z.coerce.number().min(0) },
  { name: 'COMPUTE_RATE_BURST', default: '50', description: 'Requests a client may make at once before `COMPUTE_RATE_LIMIT` applies (its token bucket\'s size)', schema: int(1) },
  { name: 'REEMBED_WORKERS', default: '0', description: 'Re-embed workers (`discern reembed`) that share each publication\'s re-embedding, through the `reembed-tasks` topic; 0: the trainer re-embeds the catalog itself', schema: int(0, 10_000) },
  { name: 'REEMBED_SHARE_ITEMS', default: '2000', description: 'Most items in one re-embed task (the catalog is cut into at least 4 shares per worker; a task also stays under 512 KiB of inputs)', schema: int(1) },
  { name: 'REEMBED_TIMEOUT_SECONDS', default: '300', description: 'Shares no worker reports done within this time are re-embedded by the trainer itself', schema: positive },
  { name: 'MODEL_STORE_URL', default: undefined, description: 'Read model versions from this served model store (`MODEL_SERVER_PORT` of the trainer), cached in `<data dir>/model-cache`, instead of `<data dir>/models`: for API replicas and re-embed workers that share no disk with the trainer', schema: z.url().optional() },
  { name: 'MODEL_SERVER_PORT', default: undefined, description: 'When set, `discern trainer` (and `start`) serve their model versions read-only over HTTP on this port (`DISCERN_API_KEY` protects it when set)', schema: int(0, 65535).optional() },
  { name: 'QUEUE_WRITE_DEADLINE_MS', default: '5000', description: 'Longest a write waits for the queue\'s durable acknowledgement before the request gets 503 + Retry-After and readiness reports the stalled write', schema: int(1, 600_000) },
  { name: 'QUEUE_LINGER_MS', default: '2', description: 'How long concurrent publishes may wait to share one produce request or fsync (group commit)', schema: z.coerce.number().min(0).max(1000) },
  { name: 'KAFKA_PRODUCERS', default: '1', description: 'Produce requests in flight at once, each on its own idempotent producer (Kafka)', schema: int(1, 16) },
  { name: 'HOLDOUT_FRACTION', default: '0.1', description: 'Share of labelled items and of pair/triplet feedback held out from training (chosen by a hash of the ids, the same on every run) to score each candidate version on; 0 turns the holdout off', schema: z.coerce.number().min(0).max(0.9) },
  { name: 'GATE_TOLERANCE', default: '0.01', description: 'A candidate version goes live only if its holdout score (MAP@R, else triplet agreement, else pair AUC) is at most this much below the live version\'s, and not below raw input', schema: z.coerce.number().min(0).max(1) },
  { name: 'GATE_MIN_HELD_OUT', default: '50', description: 'Held-out items with a class mate (or triplets, or pairs) needed before the canary gate judges; below it every candidate passes and says so', schema: int(1) },
  { name: 'REEMBED_SESSIONS', default: '0', description: 'Single-threaded onnxruntime sessions, each on a thread of its own, that embed the catalog side by side when the trainer publishes a version or indexes new items; 0: one per available core', schema: int(0, 256) },
  { name: 'TRAINER_CPU_BUDGET', default: undefined, description: 'Share of one core\'s wall time the trainer spends in training steps and holdout evaluations (0–1; it rests between steps to stay within it); default 1 for `discern trainer`, 0.5 under `npm start`', schema: z.coerce.number().positive().max(1).optional() },
  { name: 'TRAINER_EVAL_EVERY_STEPS', default: '200', description: 'Training steps between two scorings of the encoder on the holdout (which decide when training has plateaued)', schema: int(1) },
  { name: 'TRAINER_PATIENCE', default: '5', description: 'Holdout scorings without an improvement of more than `TRAINER_MIN_DELTA` after which the trainer publishes the best weights and stops training until new feedback arrives', schema: int(1) },
  { name: 'TRAINER_MIN_DELTA', default: '0.002', description: 'Least rise of the holdout score (MAP@R, else triplet agreement, else pair AUC) that counts as an improvement', schema: z.coerce.number().min(0).max(1) },
  { name: 'PUBLISH_MIN_STEPS', default: '5', description: 'Training steps needed since the last version before the freshness bound, the time cadence or a spent feedback grant publish one (a grant smaller than this publishes when spent)', schema: int(1) },
  { name: 'REPLAY_HALF_LIFE_SECONDS', default: '600', description: 'Recency half-life of the replay memory\'s sampling: labelled feedback this much older than the newest is drawn half as often (down to `REPLAY_MIN_WEIGHT`)', schema: positive },
  { name: 'REPLAY_MIN_WEIGHT', default: '0.25', description: 'Least sampling weight of old labelled feedback relative to the newest (0–1): old feedback keeps being rehearsed', schema: z.coerce.number().min(0).max(1) },
  { name: 'POISON_GUARD', default: 'on', description: '`on`: the trainer trains each item under the label most distinct sources agree on (one voice per source and item; sources contradicted by many others count a tenth), and down-weights pairs/triplets that contradict those labels; `off`: it trains on the newest label as given', schema: z.enum(['on', 'off']) },
  { name: 'KAFKA_CLIENT', default: 'platformatic', description: 'Kafka client library of the Kafka queue: `platformatic` (@platformatic/kafka, maintained) or `kafkajs`; both pass the same queue contract tests', schema: z.enum(KAFKA_CLIENTS) },
  { name: 'TRAINING_THREADS', default: '1', description: 'Threads `discern train` computes each step\'s gradients on (data-parallel replicas of the encoder, each on part of the batch; the loss sees the whole batch, so the result is the same), or `auto`: every core, up to 4. Used on the wasm and cpu backends for encoders without batch normalisation; more than 1 pays only on otherwise idle cores', schema: z.union([z.literal('auto'), int(1, 64)]) },
  { name: 'GATE_NOISE_Z', default: '2', description: 'A candidate\'s MAP@R drop below the live version counts as a regression only beyond `GATE_TOLERANCE` and beyond this many standard errors of the paired per-query difference on the holdout (chance differences on a small holdout do not freeze the live model); 0: the tolerance alone', schema: z.coerce.number().min(0).max(10) },
  { name: 'INPUT_ANCHOR_WEIGHT', default: '20', description: 'Weight, beside the metric loss, of the input-similarity anchor: each training step also draws `INPUT_ANCHOR_ITEMS` catalog items that carry no label and penalises the gap between their embeddings\' cosine similarities and those of their 4×4-pooled raw inputs, so classes nobody labelled are not collapsed; 0 turns it off', schema: z.coerce.number().min(0) },
  { name: 'INPUT_ANCHOR_ITEMS', default: '32', description: 'Unlabelled catalog items the input-similarity anchor is computed on in each training step', schema: int(2, 1024) },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]['name'];
