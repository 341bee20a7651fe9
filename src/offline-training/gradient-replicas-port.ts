import type * as tf from '@tensorflow/tfjs-core';
import type { Encoder } from '../encoder/encoder';

/** The loss of a whole batch from its embeddings (the loss's own variables may take part). */
export type LossOfEmbeddings = (embeddings: tf.Tensor2D) => tf.Scalar;

export interface GradientReplicasOptions {
  /** The encoder being trained; each replica starts from its current weights. */
  encoder: Encoder;
  /** Replica threads: each batch is split into this many contiguous parts. */
  threads: number;
  /** Most rows a batch will have. */
  maxRows: number;
  /** Backend of the replicas (default: the active one, which must be `wasm` or `cpu`). */
  backend?: 'wasm' | 'cpu';
}

/**
 * Data-parallel gradients of one encoder over several threads, with the loss seen on the whole
 * batch, so a step gives the single-thread result. Training asks for it through this port; the
 * threads themselves live in the runtime that provides it (`src/training-threads`).
 */
export interface GradientReplicas {
  readonly threads: number;
  /**
   * `tf.variableGrads` of `lossOf(encoder.embedForTraining(x))` with respect to the encoder's
   * trainable variables and `lossVariables`.
   */
  variableGrads(x: tf.Tensor, lossOf: LossOfEmbeddings, lossVariables?: tf.Variable[]): Promise<{ value: tf.Scalar; grads: tf.NamedTensorMap }>;
  close(): Promise<void>;
}

/** Starts the replicas of an encoder. */
export type StartGradientReplicas = (options: GradientReplicasOptions) => Promise<GradientReplicas>;
