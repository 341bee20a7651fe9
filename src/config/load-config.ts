import { z } from 'zod';
import type { QueueKind } from '../queue/registered';
import type { KafkaClient } from '../queue/kafka-clients';
import type { VectorStoreKind } from '../store/registered';
import { BACKENDS, LOG_LEVELS, LOSSES, MINERS, SETTINGS, type SettingName } from './settings';

/** The service's settings, validated and typed. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  apiKey?: string;
  /** Accepted by read and compute routes besides `apiKey`. */
  readApiKey?: string;
  logLevel: (typeof LOG_LEVELS)[number];
  queue: {
    kind: QueueKind;
    kafka: { brokers: string[]; topicPrefix: string; partitions: number; clientId: string; producers: number; client: KafkaClient };
    /** Longest a publish waits for its durable acknowledgement (ms). */
    writeDeadlineMs: number;
    /** Group-commit linger (ms). */
    lingerMs: number;
  };
  vectorStore: {
    kind: VectorStoreKind;
    qdrant: { url: string; apiKey?: string; quantization: 'none' | 'int8'; shards: number; replicationFactor: number };
  };
  api: { maxBodyBytes: number; maxBatchItems: number };
  /** What the API checks before accepting items and feedback, and what it remembers to do so. */
  intake: { maxImagePixels: number; unknownItemIds: 'reject' | 'accept'; recentItemsKept: number; deadLettersKept: number };
  /** Limits of the routes that embed or search (`/v1/embed`, `/v1/search`). */
  compute: { maxQueryPixels: number; rateLimitPerSecond: number; rateLimitBurst: number };
  /** Port of a standalone trainer's metrics endpoint, if any. */
  trainerMetricsPort?: number;
  /** Re-embedding spread over `discern reembed` workers (workers 0: the trainer alone). */
  reembed: { workers: number; shareItems: number; timeoutSeconds: number };
  /** Where model versions come from when not from the data dir, and the port the trainer serves its own on. */
  modelStore: { url?: string; serverPort?: number };
  trainer: {
    publishEverySteps: number;
    publishEverySeconds: number;
    feedbackFreshnessSeconds: number;
    feedbackTrainingSteps: number;
    keepVersions: number;
    p: number;
    q: number;
    loss: (typeof LOSSES)[number];
    miner: (typeof MINERS)[number];
    learningRate: number;
    replaySize: number;
    embeddingDim: number;
    backend: (typeof BACKENDS)[number];
    /** onnxruntime threads for re-embedding; undefined: decided by where the trainer runs. */
    threads?: number;
    /** Share of feedback held out from training, and the canary gate judged on it. */
    holdoutFraction: number;
    gate: { tolerance: number; minHeldOut: number; noiseZ: number };
    /** Parallel onnxruntime sessions for re-embedding (0: one per available core). */
    reembedSessions: number;
    /** When to train and publish: CPU budget (undefined: decided by where the trainer runs), holdout patience, replay recency. */
    training: {
      cpuBudget?: number;
      evaluateEverySteps: number;
      patience: number;
      minDelta: number;
      publishMinSteps: number;
      recencyHalfLifeMs: number;
      recencyMinWeight: number;
    };
    /** Train on the label consensus of sources instead of the newest label (the poisoning guard). */
    poisonGuard: boolean;
    /** The input-similarity anchor on catalog items drawn each step (weight 0: off). */
    inputAnchor: { weight: number; items: number };
  };
  /** How `npm start` runs its trainer: priority, restarts and when it counts as unhealthy. */
  trainerSupervision: {
    nice: number;
    restartBackoffSeconds: number;
    restartBackoffMaxSeconds: number;
    maxFailures: number;
    failureWindowSeconds: number;
    heartbeatTimeoutSeconds: number;
  };
}

/** Thrown by `loadConfig`; `problems` has one line per bad variable, naming it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every setting from the environment, applying defaults, and reports all bad variables
 * at once. Empty values count as unset.
 *
 * @example
 * const config = loadConfig(); // process.env
 * const test = loadConfig({ PORT: '0', DISCERN_API_KEY: 'secret' });
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const values = {} as Record<SettingName, unknown>;
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const raw = env[setting.name];
    const text = raw === undefined || raw.trim() === '' ? setting.default : raw.trim();
    const result = (setting.schema as z.ZodType).safeParse(text);
    if (result.success) values[setting.name] = result.data;
    else problems.push(`${setting.name}=${JSON.stringify(raw)}: ${z.prettifyError(result.error).replace(/^✖ /, '').replace(/\n/g, '; ')}`);
  }
  const brokers = String(values.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (values.KAFKA_BROKERS !== undefined && brokers.some((b) => !/^[^\s:]+:\d{1,5}$/.test(b))) {
    problems.push(`KAFKA_BROKERS=${JSON.stringify(env.KAFKA_BROKERS)}: each broker must be host:port`);
  }
  if (values.DISCERN_READ_API_KEY !== undefined && values.DISCERN_API_KEY === undefined) {
    // A read key alone would guard searches while leaving writes open.
    problems.push('DISCERN_READ_API_KEY=(set): needs DISCERN_API_KEY, the key for writes, to be set too');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const v = values as Record<SettingName, any>;
  return {
    port: v.PORT,
    host: v.HOST,
    dataDir: v.DISCERN_DATA_DIR,
    apiKey: v.DISCERN_API_KEY,
    readApiKey: v.DISCERN_READ_API_KEY,
    logLevel: v.LOG_LEVEL,
    queue: {
      kind: v.DISCERN_QUEUE,
      kafka: { brokers, topicPrefix: v.KAFKA_TOPIC_PREFIX, partitions: v.KAFKA_PARTITIONS, clientId: v.KAFKA_CLIENT_ID, producers: v.KAFKA_PRODUCERS, client: v.KAFKA_CLIENT },
      writeDeadlineMs: v.QUEUE_WRITE_DEADLINE_MS,
      lingerMs: v.QUEUE_LINGER_MS,
    },
    vectorStore: { kind: v.DISCERN_VECTOR_STORE, qdrant: { url: v.QDRANT_URL, apiKey: v.QDRANT_API_KEY, quantization: v.VECTOR_QUANTIZATION, shards: v.QDRANT_SHARDS, replicationFactor: v.QDRANT_REPLICATION_FACTOR } },
    api: { maxBodyBytes: v.MAX_BODY_BYTES, maxBatchItems: v.MAX_BATCH_ITEMS },
    intake: { maxImagePixels: v.MAX_IMAGE_PIXELS, unknownItemIds: v.UNKNOWN_ITEM_IDS, recentItemsKept: v.RECENT_ITEMS_KEPT, deadLettersKept: v.DEAD_LETTERS_KEPT },
    compute: { maxQueryPixels: v.MAX_QUERY_PIXELS, rateLimitPerSecond: v.COMPUTE_RATE_LIMIT, rateLimitBurst: v.COMPUTE_RATE_BURST },
    trainerMetricsPort: v.TRAINER_METRICS_PORT,
    reembed: { workers: v.REEMBED_WORKERS, shareItems: v.REEMBED_SHARE_ITEMS, timeoutSeconds: v.REEMBED_TIMEOUT_SECONDS },
    modelStore: { url: v.MODEL_STORE_URL, serverPort: v.MODEL_SERVER_PORT },
    trainer: {
      publishEverySteps: v.PUBLISH_EVERY_STEPS,
      publishEverySeconds: v.PUBLISH_EVERY_SECONDS,
      feedbackFreshnessSeconds: v.FEEDBACK_FRESHNESS_SECONDS,
      feedbackTrainingSteps: v.FEEDBACK_TRAINING_STEPS,
      keepVersions: v.KEEP_VERSIONS,
      p: v.P,
      q: v.Q,
      loss: v.LOSS,
      miner: v.MINER,
      learningRate: v.LEARNING_RATE,
      replaySize: v.REPLAY_SIZE,
      embeddingDim: v.EMBEDDING_DIM,
      backend: v.DISCERN_BACKEND,
      threads: v.TRAINER_THREADS,
      holdoutFraction: v.HOLDOUT_FRACTION,
      gate: { tolerance: v.GATE_TOLERANCE, minHeldOut: v.GATE_MIN_HELD_OUT, noiseZ: v.GATE_NOISE_Z },
      reembedSessions: v.REEMBED_SESSIONS,
      training: {
        cpuBudget: v.TRAINER_CPU_BUDGET,
        evaluateEverySteps: v.TRAINER_EVAL_EVERY_STEPS,
        patience: v.TRAINER_PATIENCE,
        minDelta: v.TRAINER_MIN_DELTA,
        publishMinSteps: v.PUBLISH_MIN_STEPS,
        recencyHalfLifeMs: v.REPLAY_HALF_LIFE_SECONDS * 1000,
        recencyMinWeight: v.REPLAY_MIN_WEIGHT,
      },
      poisonGuard: v.POISON_GUARD === 'on',
      inputAnchor: { weight: v.INPUT_ANCHOR_WEIGHT, items: v.INPUT_ANCHOR_ITEMS },
    },
    trainerSupervision: {
      nice: v.TRAINER_NICE,
      restartBackoffSeconds: v.TRAINER_RESTART_BACKOFF_SECONDS,
      restartBackoffMaxSeconds: v.TRAINER_RESTART_BACKOFF_MAX_SECONDS,
      maxFailures: v.TRAINER_MAX_FAILURES,
      failureWindowSeconds: v.TRAINER_FAILURE_WINDOW_SECONDS,
      heartbeatTimeoutSeconds: v.TRAINER_HEARTBEAT_TIMEOUT_SECONDS,
    },
  };
}
