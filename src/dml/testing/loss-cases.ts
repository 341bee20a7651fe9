import * as tf from '@tensorflow/tfjs-core';
import { CosineSimilarity } from '../distances/cosine-similarity';
import { DotProductSimilarity } from '../distances/dot-product-similarity';
import { LpDistance } from '../distances/lp-distance';
import { ContrastiveLoss } from '../losses/contrastive-loss';
import { GeneralizedLiftedStructureLoss } from '../losses/generalized-lifted-structure-loss';
import type { MetricLoss } from '../losses/metric-loss';
import { MultiSimilarityLoss } from '../losses/multi-similarity-loss';
import { NPairsLoss } from '../losses/n-pairs-loss';
import { ProxyNCALoss } from '../losses/proxy-nca-loss';
import { RankedListLoss } from '../losses/ranked-list-loss';
import { TripletMarginLoss } from '../losses/triplet-margin-loss';
import * as ref from './reference';

/** A loss configuration with its reference computation, shared by the value and gradient tests. */
export interface LossCase {
  title: string;
  /** Builds the loss for a batch (ProxyNCA needs to know the batch's classes). */
  make(labels: Int32Array, dim: number): MetricLoss;
  reference(rows: number[][], labels: Int32Array, loss: MetricLoss): number;
}

const euclidean = new LpDistance();
const squared = new LpDistance({ squared: true });
const cosine = new CosineSimilarity();
const dot = new DotProductSimilarity();

function proxyCase(title: string, kind: ref.RefDistanceKind, scale: number): LossCase {
  const distance = kind === 'cosine' ? cosine : squared;
  return {
    title,
    make: (labels, dim) => {
      const loss = new ProxyNCALoss({ distance, softmaxScale: scale, seed: 3, initialCapacity: 2 });
      loss.ensureClasses(labels, dim);
      return loss;
    },
    reference: (rows, labels, loss) => {
      const proxyLoss = loss as ProxyNCALoss;
      const proxies = proxyLoss.proxyMatrix();
      const proxyRows = proxies.arraySync();
      proxies.dispose();
      return ref.refProxyNCA(rows, labels, proxyRows, proxyLoss.classes(), kind, scale);
    },
  };
}

const rll = { margin: 0.4, boundary: 1.2, tn: 10, tp: 0, imbalance: 0.5 };

export const lossCases: LossCase[] = [
  {
    title: 'contrastive, euclidean, defaults',
    make: () => new ContrastiveLoss(),
    reference: (r, l) => ref.refContrastive(r, l, 'euclidean', 0, 1),
  },
  {
    title: 'contrastive, euclidean, margins 0.3/0.9',
    make: () => new ContrastiveLoss({ posMargin: 0.3, negMargin: 0.9 }),
    reference: (r, l) => ref.refContrastive(r, l, 'euclidean', 0.3, 0.9),
  },
  {
    title: 'contrastive, cosine, margins 0.8/0.2',
    make: () => new ContrastiveLoss({ distance: cosine, posMargin: 0.8, negMargin: 0.2 }),
    reference: (r, l) => ref.refContrastive(r, l, 'cosine', 0.8, 0.2),
  },
  {
    title: 'triplet, euclidean, margin 0.2',
    make: () => new TripletMarginLoss({ margin: 0.2 }),
    reference: (r, l) => ref.refTriplet(r, l, 'euclidean', 0.2, false),
  },
  {
    title: 'triplet, cosine, margin 0.1',
    make: () => new TripletMarginLoss({ distance: cosine, margin: 0.1 }),
    reference: (r, l) => ref.refTriplet(r, l, 'cosine', 0.1, false),
  },
  {
    title: 'triplet, euclidean, smooth',
    make: () => new TripletMarginLoss({ margin: 0.05, smoothLoss: true }),
    reference: (r, l) => ref.refTriplet(r, l, 'euclidean', 0.05, true),
  },
  { title: 'n-pairs, dot product', make: () => new NPairsLoss({ distance: dot }), reference: (r, l) => ref.refNPairs(r, l, 'dot-product') },
  { title: 'n-pairs, cosine', make: () => new NPairsLoss({ distance: cosine }), reference: (r, l) => ref.refNPairs(r, l, 'cosine') },
  { title: 'n-pairs, euclidean', make: () => new NPairsLoss({ distance: euclidean }), reference: (r, l) => ref.refNPairs(r, l, 'euclidean') },
  {
    title: 'lifted, euclidean, defaults',
    make: () => new GeneralizedLiftedStructureLoss(),
    reference: (r, l) => ref.refLifted(r, l, 'euclidean', 0, 1),
  },
  {
    title: 'lifted, cosine, margins 0.9/0.1',
    make: () => new GeneralizedLiftedStructureLoss({ distance: cosine, posMargin: 0.9, negMargin: 0.1 }),
    reference: (r, l) => ref.refLifted(r, l, 'cosine', 0.9, 0.1),
  },
  proxyCase('proxy-nca, squared euclidean, scale 1', 'squared-euclidean', 1),
  proxyCase('proxy-nca, cosine, scale 8', 'cosine', 8),
  { title: 'ranked-list, euclidean, defaults', make: () => new RankedListLoss(), reference: (r, l) => ref.refRankedList(r, l, 'euclidean', rll) },
  {
    title: 'ranked-list, squared euclidean, Tp 2, imbalance 0.3',
    make: () => new RankedListLoss({ distance: squared, margin: 0.6, boundary: 1.8, tn: 4, tp: 2, imbalance: 0.3 }),
    reference: (r, l) => ref.refRankedList(r, l, 'squared-euclidean', { margin: 0.6, boundary: 1.8, tn: 4, tp: 2, imbalance: 0.3 }),
  },
  {
    title: 'multi-similarity, cosine, defaults',
    make: () => new MultiSimilarityLoss(),
    reference: (r, l) => ref.refMultiSimilarity(r, l, 'cosine', 2, 50, 0.5),
  },
  {
    title: 'multi-similarity, euclidean, base 1.2',
    make: () => new MultiSimilarityLoss({ distance: euclidean, alpha: 2, beta: 10, base: 1.2 }),
    reference: (r, l) => ref.refMultiSimilarity(r, l, 'euclidean', 2, 10, 1.2),
  },
];

/** Evaluates a loss on plain rows and returns the number. */
export function lossValue(loss: MetricLoss, rows: number[][], labels: Int32Array): number {
  return tf.tidy(() => loss.compute(tf.tensor2d(rows), labels).dataSync()[0]);
}
