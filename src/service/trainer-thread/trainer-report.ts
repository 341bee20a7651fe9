import type { SerializedError } from './serialized-error';

/** The trainer's counters that health is made of, as its worker reports them. */
export interface TrainerSnapshot {
  phase: string;
  modelVersion?: string;
  /** ISO time the live version was published. */
  lastPublicationAt?: string;
  /** ISO time of the last durable checkpoint. */
  checkpointAt?: string;
  /** Epoch ms the trainer's loop last went round. */
  loopAt: number;
  lag?: Record<string, number>;
  error?: string;
}

/** Messages a trainer's worker sends to the thread that supervises it. */
export type TrainerReport =
  | { type: 'started' }
  | { type: 'heartbeat'; snapshot?: TrainerSnapshot; /** `registry.getMetricsAsJSON()` of the trainer's registry. */ metrics: object[] }
  | { type: 'failed'; error: SerializedError }
  | { type: 'stopped' };

/** Messages the supervising thread sends to the trainer's worker. */
export type TrainerCommand = { type: 'stop' };
