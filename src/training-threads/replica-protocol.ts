import type { EncoderConfig } from '../encoder/config';

/** What a replica thread is started with. */
export interface ReplicaWorkerData {
  /** TF.js backend the replica runs on: the trainer's own (`wasm` or `cpu`). */
  backend: 'wasm' | 'cpu';
  config: EncoderConfig;
  /**
   * Shared with the trainer: `Int32Array` word 0 is the signal word the replica waits on (the
   * step number whose output gradient is ready, or its negative to abandon that step); the floats after the
   * first 16 bytes hold that gradient.
   */
  dyBuffer: SharedArrayBuffer;
  /** Shared by every replica, written by the trainer before each step: the trainable variables, flattened in `trainableVariables` order. */
  trainableBuffer: SharedArrayBuffer;
  /** This replica's gradients of the trainable variables, in the same layout, written before it replies `gradients`. */
  gradientBuffer: SharedArrayBuffer;
}

/** Trainer → replica. */
export type ReplicaCommand =
  /** Every weight of the encoder (featureExtractor then head), flattened in `allWeights` order. */
  | { type: 'weights'; weights: Float32Array }
  /**
   * Load the trainable variables from `trainableBuffer`, run the training-mode forward pass of
   * `rows` inputs, send the embeddings, wait for their gradient (step `step`), then write the
   * gradients of the trainable variables to `gradientBuffer`.
   */
  | { type: 'step'; step: number; input: Float32Array; rows: number }
  /** Fail on purpose (tests of failure handling). */
  | { type: 'crash'; how: 'throw' | 'exit' };

/** Replica → trainer. */
export type ReplicaReply =
  | { type: 'ready' }
  | { type: 'embeddings'; step: number; data: Float32Array }
  | { type: 'gradients'; step: number }
  | { type: 'error'; message: string };

/** Bytes before the gradient floats in `dyBuffer`. */
export const DY_HEADER_BYTES = 16;
/** Signal word value that abandons step `step` (numbered from 1) while a replica waits in it. */
export const abandoned = (step: number): number => -step;
