import type { ModelStore } from '../core/model-store';
import type { Queue } from '../core/queue';
import type { VectorStore } from '../core/vector-store';
import type { EncoderConfigInput } from '../encoder/config';
import type { Logger } from '../log/logger';
import type { CatalogEmbedder } from '../catalog-embedding/catalog-embedder';
import type { CheckpointFolders } from '../core/checkpoint-store';
import type { ImageDecoder } from '../core/image-decoder';
import type { GateOptions } from './canary-gate';
import type { LearnerOptions } from './learner';
import type { ContinuousTrainingOptions } from './continuous-training';
import type { HeldOutSet, VersionEmbedder } from './publisher';
import type { TrainerMetrics } from './trainer-metrics';

/** What an online trainer is configured with; every field but `dataDir` and `encoder` has a default. */
export interface OnlineTrainerConfig extends ContinuousTrainingOptions {
  /** Holds `trainer-status.json` and the checkpoints in `trainer/checkpoints/`. */
  dataDir: string;
  /** Encoder built on first start, when neither a checkpoint nor a stored version exists. */
  encoder: EncoderConfigInput;
  /** Consumer group (default `discern-trainer`). */
  group?: string;
  /** Live alias (default `catalog`). */
  alias?: string;
  loss?: { name: string; options?: Record<string, unknown> };
  /** Miner of the P×Q part (default multi-similarity; `none` for every pair). */
  miner?: { name: string; options?: Record<string, unknown> };
  /** P (default 8). */
  classesPerBatch?: number;
  /** Q (default 4). */
  itemsPerClass?: number;
  /** Default 1e-3. */
  learningRate?: number;
  /** REPLAY_SIZE (default 20000). */
  replaySize?: number;
  /** PUBLISH_EVERY_STEPS (default 500). */
  publishEverySteps?: number;
  /** PUBLISH_EVERY_SECONDS (default 300). */
  publishEverySeconds?: number;
  /**
   * New feedback is live at most this many seconds after it arrives (default 10), even when the
   * step or time cadence is further away: its publication starts early enough for one as long as
   * the last to finish by then.
   */
  feedbackFreshnessSeconds?: number;
  /** KEEP_VERSIONS (default 5). */
  keepVersions?: number;
  /** Training steps granted by each arrival of new feedback (default 60). */
  stepsAfterSignal?: number;
  /** Checkpoint at most this often while anything changed (default 5 s). */
  checkpointEverySeconds?: number;
  /** Explicit constraints per batch (default 16). */
  constraintsPerBatch?: number;
  /** REPLAY_HALF_LIFE_SECONDS: recency half-life of the P×Q sampling (default 10 minutes). */
  recencyHalfLifeMs?: number;
  /** REPLAY_MIN_WEIGHT: sampling weight of the oldest feedback relative to the newest (default 0.25). */
  recencyMinWeight?: number;
  /** Records per poll (default 256). */
  pollMaxRecords?: number;
  /** Wait per poll when idle (default 500 ms). */
  pollTimeoutMs?: number;
  /**
   * Partitions per topic that replay from offset 0 even when no checkpoint names them yet
   * (default: what the queue reports, e.g. the Kafka partition count). Partitions a checkpoint names always replay.
   */
  replayPartitions?: number;
  /** Rows per re-embedding call (default 512). */
  reembedBatchSize?: number;
  /** Batches the catalog embedder keeps in flight (default 1); twice the runtime's parallel sessions, so each has one to embed while another is written. */
  reembedInFlight?: number;
  /** A fixed set of held-out items to score each candidate on, instead of the holdout of feedback. */
  evaluation?: HeldOutSet;
  /** HOLDOUT_FRACTION: share of labelled items and constraints never trained on (default 0.1; 0: none). */
  holdoutFraction?: number;
  /** POISON_GUARD: train on the label consensus of sources (default on), with these options; `false`: on the newest label. */
  poisonGuard?: LearnerOptions['poisonGuard'];
  /** INPUT_ANCHOR_WEIGHT / INPUT_ANCHOR_ITEMS: the input-similarity anchor on catalog items (default: none). */
  inputAnchor?: LearnerOptions['inputAnchor'];
  /** The canary gate (default tolerance 0.01, 50 held-out queries/triplets/pairs); `false`: every candidate goes live. */
  gate?: GateOptions | false;
  /** TRAINER_CPU_BUDGET: share of one core's wall time spent training, rest enforced by pauses (default 1). */
  cpuBudget?: number;
  /** PUBLISH_MIN_STEPS: steps before the freshness bound or the time cadence may publish (default 1). */
  publishMinSteps?: number;
  seed?: number;
}

/** What an online trainer works with: its adapters, configuration, log and (optionally) metrics and runtimes. */
export interface OnlineTrainerDeps {
  queue: Queue;
  vectorStore: VectorStore;
  modelStore: ModelStore;
  /** Embeds with published versions (e.g. onnxruntime-node sessions over `modelStore`). */
  modelRuntime: VersionEmbedder;
  /** Opens the trainer's checkpoints under `<dataDir>/trainer` and the copies model versions keep (e.g. on local disk). */
  checkpointFolders: CheckpointFolders;
  /** Decodes the images of item records into the encoder's input (e.g. sharp). */
  imageDecoder: ImageDecoder;
  /** Builds what fills each new collection (e.g. re-embed workers); default: the trainer itself. */
  catalogEmbedder?: (runtime: VersionEmbedder) => CatalogEmbedder;
  config: OnlineTrainerConfig;
  log: Logger;
  metrics?: TrainerMetrics;
}
