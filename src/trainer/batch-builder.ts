import * as tf from '@tensorflow/tfjs-core';
import { ContrastiveLoss } from '../dml/losses/contrastive-loss';
import type { MetricLoss } from '../dml/losses/metric-loss';
import { TripletMarginLoss } from '../dml/losses/triplet-margin-loss';
import type { Miner } from '../dml/miners/miner';
import type { Encoder } from '../encoder/encoder';
import { finiteGradientStep } from '../offline-training/gradient-step';
import { inputSimilarityPreservation } from '../offline-training/input-similarity-preservation';
import { createRandom, type Random } from '../dml/random';
import type { CatalogState } from './catalog-state';
import type { Constraint, FeedbackMemory } from './feedback-memory';
import { WeightedMeanReducer } from './weighted-mean-reducer';

export interface BatchBuilderOptions {
  encoder: Encoder;
  catalog: CatalogState;
  memory: FeedbackMemory;
  /** Metric loss of the P×Q part (e.g. multi-similarity). */
  loss: MetricLoss;
  /** Miner of the P×Q part; absent: every valid pair/triplet. */
  miner?: Miner | null;
  optimizer: tf.Optimizer;
  /** Explicit pairs/triplets mixed into each batch (default 16). */
  constraintsPerBatch?: number;
  /** Margin of the triplet loss on explicit triplets (default 0.2). */
  tripletMargin?: number;
  /** Distance below which dissimilar pairs are pushed apart (default 1 on unit vectors). */
  pairNegativeMargin?: number;
  /** Gradient clipping by global norm (default 10). */
  clipNorm?: number;
  /** The input-similarity anchor on catalog items (see `InputAnchorOptions`); absent or weight 0: none. */
  inputAnchor?: InputAnchorOptions;
  /** Seed of the anchor's item draws (default 0). */
  seed?: number;
}

/**
 * Keeps the embedding's cosine geometry close to that of the raw inputs on unlabelled catalog
 * items drawn uniformly each step: labels of a few classes otherwise reshape the whole space
 * around those classes and collapse the items of classes nobody labelled.
 */
export interface InputAnchorOptions {
  /** INPUT_ANCHOR_WEIGHT: weight of the term beside the metric loss (0: off). */
  weight: number;
  /** INPUT_ANCHOR_ITEMS: catalog items drawn per step. */
  items: number;
  /** Images are average-pooled `pool`×`pool` before their cosine similarity is taken (default 4). */
  pool?: number;
}

/** Rows of one training batch: the P×Q part first, then items only constraints name. */
export interface TrainingBatch {
  ids: string[];
  /** Labels of the first `pqRows` rows. */
  pqLabels: Int32Array;
  pqRows: number;
  triplets: { anchors: Int32Array; positives: Int32Array; negatives: Int32Array; weights: Float32Array };
  pairs: { similarA: Int32Array; similarB: Int32Array; similarWeights: Float32Array; dissimilarA: Int32Array; dissimilarB: Int32Array; dissimilarWeights: Float32Array };
  /** Rows of the catalog items the input-similarity anchor is computed on. */
  anchorRows: Int32Array;
}

export interface TrainingStepResult {
  loss: number;
  /** The loss or a gradient was not finite, so no weight changed. */
  skipped: boolean;
  rows: number;
  pqRows: number;
  constraints: number;
  /** Rows the input-similarity anchor was computed on. */
  anchorRows: number;
}

/**
 * Builds and runs online training steps. A batch is a recency-weighted P×Q draw of labelled
 * items plus a slice of explicit constraints from the replay memory; all their rows go through
 * the encoder in one forward pass. The loss is the metric loss (with its miner) on the P×Q
 * rows plus a triplet-margin loss on explicit triplets and a contrastive loss on explicit
 * pairs, each weighted by the events' `weight`, plus (with `inputAnchor`) the input-similarity
 * anchor on unlabelled catalog items drawn at random. Steps with a non-finite loss or
 * gradient are skipped and counted.
 *
 * @example
 * const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('multi-similarity'), optimizer: tf.train.adam(1e-3) });
 * const result = builder.step(); // undefined when there is nothing to learn from yet
 */
export class BatchBuilder {
  private stepCount = 0;
  private skippedCount = 0;
  private readonly constraintsPerBatch: number;
  private readonly anchorRng: Random;

  constructor(private readonly options: BatchBuilderOptions) {
    this.constraintsPerBatch = options.constraintsPerBatch ?? 16;
    this.anchorRng = createRandom((options.seed ?? 0) + 0x5eed);
  }

  /** Steps run (including skipped ones). */
  get steps(): number {
    return this.stepCount;
  }

  /** Steps skipped for a non-finite loss or gradient. */
  get skippedSteps(): number {
    return this.skippedCount;
  }

  /** The next batch, or undefined when the memory holds nothing trainable. */
  build(): TrainingBatch | undefined {
    const { catalog, memory } = this.options;
    const ids: string[] = [];
    const labels: number[] = [];
    const labelled = memory.nextLabelledBatch();
    if (labelled) {
      labelled.ids.forEach((id, i) => {
        if (catalog.get(id)?.input) {
          ids.push(id);
          labels.push(labelled.labels[i]);
        }
      });
    }
    const pqRows = new Set(labels).size >= 2 ? ids.length : 0;
    ids.length = pqRows;
    const rowOf = new Map<string, number>();
    ids.forEach((id, i) => rowOf.set(id, i));
    const row = (id: string) => {
      let r = rowOf.get(id);
      if (r === undefined) {
        r = ids.length;
        ids.push(id);
        rowOf.set(id, r);
      }
      return r;
    };
    const hasInput = (id: string) => catalog.get(id)?.input !== undefined;
    const constraints = memory.sampleConstraints(this.constraintsPerBatch, (c) =>
      c.kind === 'pair' ? hasInput(c.a) && hasInput(c.b) : hasInput(c.anchor) && hasInput(c.positive) && hasInput(c.negative),
    );
    if (pqRows === 0 && constraints.length === 0) return undefined;
    const anchor = this.options.inputAnchor;
    // Only items no label speaks for: the labels shape the space around their classes, the anchor keeps the rest of it.
    const unlabelled = (item: { id: string; label?: string }) => item.label === undefined && !memory.hasLabelled(item.id);
    const anchorIds = anchor && anchor.weight > 0 && anchor.items >= 2 ? catalog.sampleEmbeddable(anchor.items, this.anchorRng, unlabelled) : [];
    const triplets = constraints.filter((c): c is Extract<Constraint, { kind: 'triplet' }> => c.kind === 'triplet');
    const pairs = constraints.filter((c): c is Extract<Constraint, { kind: 'pair' }> => c.kind === 'pair');
    const similar = pairs.filter((p) => p.similar);
    const dissimilar = pairs.filter((p) => !p.similar);
    return {
      pqLabels: Int32Array.from(labels.slice(0, pqRows)),
      pqRows,
      triplets: {
        anchors: Int32Array.from(triplets, (t) => row(t.anchor)),
        positives: Int32Array.from(triplets, (t) => row(t.positive)),
        negatives: Int32Array.from(triplets, (t) => row(t.negative)),
        weights: Float32Array.from(triplets, (t) => t.weight),
      },
      pairs: {
        similarA: Int32Array.from(similar, (p) => row(p.a)),
        similarB: Int32Array.from(similar, (p) => row(p.b)),
        similarWeights: Float32Array.from(similar, (p) => p.weight),
        dissimilarA: Int32Array.from(dissimilar, (p) => row(p.a)),
        dissimilarB: Int32Array.from(dissimilar, (p) => row(p.b)),
        dissimilarWeights: Float32Array.from(dissimilar, (p) => p.weight),
      },
      anchorRows: anchorIds.length >= 2 ? Int32Array.from(anchorIds, row) : new Int32Array(0),
      ids,
    };
  }

  /** Runs one step on a fresh batch (or on `batch`); undefined when there is nothing to train on. */
  step(batch: TrainingBatch | undefined = this.build()): TrainingStepResult | undefined {
    if (!batch) return undefined;
    const { encoder, catalog, optimizer } = this.options;
    const rowSize = catalog.inputSize;
    const n = batch.ids.length;
    const data = new Float32Array(n * rowSize);
    batch.ids.forEach((id, i) => data.set(catalog.get(id)!.input!, i * rowSize));
    const x = tf.tensor(data, [n, ...catalog.inputShape]);
    const zeros = new Int32Array(n);
    const { loss, miner } = this.options;
    const tripletLoss = new TripletMarginLoss({ margin: this.options.tripletMargin ?? 0.2, reducer: new WeightedMeanReducer(batch.triplets.weights) });
    const similarLoss = new ContrastiveLoss({ reducer: new WeightedMeanReducer(batch.pairs.similarWeights) });
    const dissimilarLoss = new ContrastiveLoss({
      negMargin: this.options.pairNegativeMargin ?? 1,
      reducer: new WeightedMeanReducer(batch.pairs.dissimilarWeights),
    });
    const empty = new Int32Array(0);
    const anchor = this.options.inputAnchor;
    try {
      const result = finiteGradientStep(
        () => {
          const embeddings = encoder.embedForTraining(x);
          const terms: tf.Scalar[] = [];
          if (batch.pqRows > 0) {
            const pq = batch.pqRows === n ? embeddings : (tf.slice(embeddings, [0, 0], [batch.pqRows, -1]) as tf.Tensor2D);
            terms.push(loss.compute(pq, batch.pqLabels, miner?.mine(pq, batch.pqLabels) ?? undefined));
          }
          if (batch.triplets.anchors.length > 0) {
            terms.push(tripletLoss.compute(embeddings, zeros, { kind: 'triplets', ...batch.triplets }));
          }
          if (batch.pairs.similarA.length > 0) {
            terms.push(similarLoss.compute(embeddings, zeros, { kind: 'pairs', posA: batch.pairs.similarA, posB: batch.pairs.similarB, negA: empty, negB: empty }));
          }
          if (batch.pairs.dissimilarA.length > 0) {
            terms.push(dissimilarLoss.compute(embeddings, zeros, { kind: 'pairs', posA: empty, posB: empty, negA: batch.pairs.dissimilarA, negB: batch.pairs.dissimilarB }));
          }
          if (anchor && batch.anchorRows.length > 0) {
            const rows = tf.tensor1d(batch.anchorRows, 'int32');
            const term = inputSimilarityPreservation(tf.gather(embeddings, rows) as tf.Tensor2D, tf.gather(x, rows), anchor.pool ?? 4);
            terms.push(tf.mul(term, anchor.weight) as tf.Scalar);
          }
          return terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Scalar);
        },
        [[optimizer, [...encoder.trainableVariables(), ...loss.trainableVariables()]]],
        { clipNorm: this.options.clipNorm ?? 10 },
      );
      this.stepCount++;
      if (result.skipped) this.skippedCount++;
      const constraints = batch.triplets.anchors.length + batch.pairs.similarA.length + batch.pairs.dissimilarA.length;
      return { loss: result.loss, skipped: result.skipped, rows: n, pqRows: batch.pqRows, constraints, anchorRows: batch.anchorRows.length };
    } finally {
      x.dispose();
    }
  }
}
