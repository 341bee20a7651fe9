import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ContrastiveLoss } from './contrastive-loss';
import { GeneralizedLiftedStructureLoss } from './generalized-lifted-structure-loss';
import type { MetricLoss } from './metric-loss';
import { MultiSimilarityLoss } from './multi-similarity-loss';
import { NPairsLoss } from './n-pairs-loss';
import { ProxyNCALoss } from './proxy-nca-loss';
import { RankedListLoss } from './ranked-list-loss';
import { TripletMarginLoss } from './triplet-margin-loss';
import { CosineSimilarity } from '../distances/cosine-similarity';
import { l2Normalize } from '../distances/distance';
import { BatchHardMiner } from '../miners/batch-hard-miner';
import { MultiSimilarityMiner } from '../miners/multi-similarity-miner';
import type { Miner } from '../miners/miner';
import { clusteredInputs, neighbourPrecision } from '../testing/synthetic';
import { createRandom } from '../random';
import { PQSampler } from '../samplers/pq-sampler';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const INPUT_DIM = 16;
const EMBED_DIM = 8;
const STEPS = 40;
const train = clusteredInputs(1, 16, 4, INPUT_DIM);
const test = clusteredInputs(2, 8, 4, INPUT_DIM);

/**
 * A linear embedding `x W` trained with Adam on 4×4 batches from a PQSampler; returns the loss
 * on the whole training set and the test set's same-class neighbour precision, before and after.
 */
function trainLinear(loss: MetricLoss, miner?: Miner) {
  const rng = createRandom(5);
  const w = tf.variable(tf.tensor2d(Array.from({ length: INPUT_DIM * EMBED_DIM }, () => rng.normal() / Math.sqrt(INPUT_DIM)), [INPUT_DIM, EMBED_DIM]));
  const x = tf.tensor2d(train.rows);
  const xTest = tf.tensor2d(test.rows);
  if (loss instanceof ProxyNCALoss) loss.ensureClasses(train.labels, EMBED_DIM);
  const vars = [w, ...loss.trainableVariables()];
  const optimizer = tf.train.adam(0.05);
  const lossAt = () => tf.tidy(() => loss.compute(tf.matMul(x, w) as tf.Tensor2D, train.labels).dataSync()[0]);
  const precision = () => {
    const e = tf.tidy(() => l2Normalize(tf.matMul(xTest, w)).arraySync());
    return neighbourPrecision(e, test.labels, 3);
  };
  const before = { loss: lossAt(), precision: precision() };
  const sampler = PQSampler.fromLabels(train.labels, { classesPerBatch: 4, itemsPerClass: 4, seed: 9 });
  for (let step = 0; step < STEPS; step++) {
    const batch = sampler.nextBatch();
    const xb = tf.gather(x, batch.indices);
    optimizer.minimize(
      () => {
        const e = tf.matMul(xb, w) as tf.Tensor2D;
        const indices = miner?.mine(e, batch.labels);
        return loss.compute(e, batch.labels, indices);
      },
      false,
      vars,
    );
    xb.dispose();
  }
  const after = { loss: lossAt(), precision: precision() };
  tf.dispose([w, x, xTest]);
  optimizer.dispose();
  return { before, after };
}

const cases: Array<{ title: string; loss: () => MetricLoss; miner?: () => Miner }> = [
  { title: 'contrastive', loss: () => new ContrastiveLoss() },
  { title: 'triplet (all triplets)', loss: () => new TripletMarginLoss({ margin: 0.2 }) },
  { title: 'triplet + batch-hard miner', loss: () => new TripletMarginLoss({ margin: 0.2 }), miner: () => new BatchHardMiner() },
  { title: 'n-pairs', loss: () => new NPairsLoss({ embeddingL2Weight: 0.002 }) },
  { title: 'n-pairs, cosine', loss: () => new NPairsLoss({ distance: new CosineSimilarity() }) },
  { title: 'lifted', loss: () => new GeneralizedLiftedStructureLoss() },
  { title: 'proxy-nca', loss: () => new ProxyNCALoss({ seed: 1 }) },
  { title: 'ranked-list', loss: () => new RankedListLoss() },
  { title: 'multi-similarity', loss: () => new MultiSimilarityLoss() },
  { title: 'multi-similarity + miner', loss: () => new MultiSimilarityLoss(), miner: () => new MultiSimilarityMiner() },
];

describe('training a linear embedding lowers each loss and improves same-class neighbours', () => {
  for (const c of cases) {
    it(c.title, () => {
      const { before, after } = trainLinear(c.loss(), c.miner?.());
      expect(after.loss).toBeLessThan(before.loss * 0.9);
      expect(after.precision).toBeGreaterThan(before.precision + 0.15);
    });
  }
});
