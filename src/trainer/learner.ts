import type * as tf from '@tensorflow/tfjs-core';
import { createLoss, createMiner } from '../dml/registry';
import type { Encoder } from '../encoder/encoder';
import { BatchBuilder, type InputAnchorOptions } from './batch-builder';
import { CatalogState } from './catalog-state';
import { createHoldout } from './holdout';
import { HoldoutMemory } from './holdout-memory';
import { LabelConsensus, type LabelConsensusOptions } from './label-consensus';
import { RecordApplier } from './record-applier';
import type { ImageDecoder } from '../core/image-decoder';

export interface LearnerOptions {
  /** Decodes image records into the encoder's input (needed for an image encoder). */
  imageDecoder?: ImageDecoder;
  loss?: { name: string; options?: Record<string, unknown> };
  miner?: { name: string; options?: Record<string, unknown> };
  classesPerBatch?: number;
  itemsPerClass?: number;
  replaySize?: number;
  constraintsPerBatch?: number;
  recencyHalfLifeMs?: number;
  recencyMinWeight?: number;
  seed?: number;
  /** Share of labelled items and constraints held out from training (default 0.1; 0: none). */
  holdoutFraction?: number;
  /** The poisoning guard: train on the label consensus of sources (default on, with these options); `false`: on the newest label. */
  poisonGuard?: boolean | LabelConsensusOptions;
  /** The input-similarity anchor on catalog items drawn each step (default: none). */
  inputAnchor?: InputAnchorOptions;
}

/** What the trainer learns with: the catalog, the replay memory, the record applier over both, and the batch builder. */
export interface Learner {
  catalog: CatalogState;
  /** The replay memory; held-out feedback goes to `memory.heldOut`, never to batches. */
  memory: HoldoutMemory;
  applier: RecordApplier;
  builder: BatchBuilder;
  /** The poisoning guard, unless turned off. */
  consensus?: LabelConsensus;
}

/**
 * Builds an empty catalog and replay memory for `encoder`'s input, the applier that fills
 * them from records, and the batch builder that trains `encoder` on them with `optimizer`
 * (multi-similarity loss and miner, P×Q = 8×4 and a replay memory of 20,000 by default).
 *
 * @example
 * const { catalog, applier, builder } = createLearner(encoder, tf.train.adam(1e-3), { seed: 1 });
 */
export function createLearner(encoder: Encoder, optimizer: tf.Optimizer, options: LearnerOptions = {}): Learner {
  const catalog = new CatalogState(encoder.config.input, options.imageDecoder);
  const memory = new HoldoutMemory(
    {
      capacity: options.replaySize ?? 20_000,
      classesPerBatch: options.classesPerBatch ?? 8,
      itemsPerClass: options.itemsPerClass ?? 4,
      recencyHalfLifeMs: options.recencyHalfLifeMs,
      recencyMinWeight: options.recencyMinWeight,
      seed: options.seed,
    },
    createHoldout({ fraction: options.holdoutFraction ?? 0.1 }),
  );
  const lossSpec = options.loss ?? { name: 'multi-similarity' };
  const minerSpec = options.miner ?? { name: 'multi-similarity' };
  const builder = new BatchBuilder({
    encoder,
    catalog,
    memory,
    loss: createLoss(lossSpec.name, lossSpec.options ?? {}),
    miner: createMiner(minerSpec.name, minerSpec.options ?? {}),
    optimizer,
    constraintsPerBatch: options.constraintsPerBatch,
    inputAnchor: options.inputAnchor,
    seed: options.seed,
  });
  const guard = options.poisonGuard ?? true;
  const consensus = guard === false ? undefined : new LabelConsensus(guard === true ? {} : guard);
  return { catalog, memory, applier: new RecordApplier(catalog, memory, consensus), builder, consensus };
}
