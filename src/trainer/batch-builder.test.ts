import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLoss, createMiner } from '../dml/registry';
import { createEncoder } from '../encoder/encoder';
import { BatchBuilder } from './batch-builder';
import { CatalogState } from './catalog-state';
import { FeedbackMemory } from './feedback-memory';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function setup(features = 4) {
  tf.randomUniform([1]).dispose();
  const encoder = createEncoder({ kind: 'mlp', input: { features }, hidden: [], dim: 3 });
  const catalog = new CatalogState({ features });
  const memory = new FeedbackMemory({ capacity: 100, classesPerBatch: 2, itemsPerClass: 2, seed: 1 });
  return { encoder, catalog, memory };
}

function euclid(a: ArrayLike<number>, b: ArrayLike<number>) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/** Five 4-d catalog vectors, none a multiple of another. */
const FIVE_VECTORS = [
  [1, 0, 0.5, 2],
  [0.2, 1, -1, 0],
  [-1, 0.3, 0.1, 1],
  [0.5, -0.5, 2, -1],
  [0, 0, 1, 1],
];

describe('BatchBuilder', () => {
  it('computes the weighted triplet and contrastive losses of explicit constraints', () => {
    const { encoder, catalog, memory } = setup();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    const vectors = FIVE_VECTORS;
    ids.forEach((id, i) => catalog.upsert({ id }, Float32Array.from(vectors[i]), 0));
    memory.rememberConstraint({ kind: 'triplet', anchor: 'a', positive: 'b', negative: 'c', weight: 1, at: 1 });
    memory.rememberConstraint({ kind: 'triplet', anchor: 'd', positive: 'e', negative: 'a', weight: 3, at: 2 });
    memory.rememberConstraint({ kind: 'pair', a: 'a', b: 'd', similar: true, weight: 2, at: 3 });
    memory.rememberConstraint({ kind: 'pair', a: 'b', b: 'e', similar: false, weight: 0.5, at: 4 });
    // Independent reference: embeddings by inference (the MLP has no BN or dropout), losses in plain JS.
    const emb = new Map(ids.map((id, i) => [id, encoder.embed(tf.tensor2d([vectors[i]])).dataSync()]));
    const d = (x: string, y: string) => euclid(emb.get(x)!, emb.get(y)!);
    const triplet = (1 * Math.max(0, d('a', 'b') - d('a', 'c') + 0.2) + 3 * Math.max(0, d('d', 'e') - d('d', 'a') + 0.2)) / 4;
    const similar = d('a', 'd');
    const dissimilar = Math.max(0, 1 - d('b', 'e'));
    const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('multi-similarity'), optimizer: tf.train.sgd(0.1), constraintsPerBatch: 4 });
    const before = encoder.allWeights().map((w) => w.dataSync().slice());
    const result = builder.step()!;
    expect(result.constraints).toBe(4);
    expect(result.pqRows).toBe(0);
    expect(result.rows).toBe(5);
    expect(result.skipped).toBe(false);
    expect(result.loss).toBeCloseTo(triplet + similar + dissimilar, 5);
    const after = encoder.allWeights().map((w) => w.dataSync());
    expect(after.some((w, i) => w.some((v, j) => v !== before[i][j]))).toBe(true);
  });

  it('trains on P×Q labelled batches and lowers the loss on them', () => {
    const { encoder, catalog } = setup(8);
    // P×Q = 4×10 draws all 40 items each step.
    const memory = new FeedbackMemory({ capacity: 100, classesPerBatch: 4, itemsPerClass: 10, seed: 2 });
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    for (let i = 0; i < 40; i++) {
      const label = i % 4;
      const v = Float32Array.from({ length: 8 }, (_, k) => (k === label * 2 ? 3 : 0) + rand());
      catalog.upsert({ id: `i${i}`, label: String(label) }, v, i);
      memory.rememberLabel(`i${i}`, String(label), i);
    }
    const builder = new BatchBuilder({
      encoder,
      catalog,
      memory,
      // Mean over every pair, so the value measures the whole batch rather than the pairs still violating.
      loss: createLoss('contrastive', { reducer: 'mean' }),
      miner: createMiner('none'),
      optimizer: tf.train.adam(0.05),
    });
    const first = builder.step()!;
    let last = first;
    // Enough steps that the encoder's random start does not decide the outcome.
    for (let s = 0; s < 60; s++) last = builder.step()!;
    expect(first.pqRows).toBe(40);
    expect(last.loss).toBeLessThan(first.loss * 0.5);
    expect(builder.steps).toBe(61);
    expect(builder.skippedSteps).toBe(0);
  });

  it('skips and counts a step whose loss is not finite, leaving the weights unchanged', () => {
    const { encoder, catalog, memory } = setup();
    catalog.upsert({ id: 'ok1', label: 'x' }, Float32Array.from([1, 2, 3, 4]), 0);
    catalog.upsert({ id: 'ok2', label: 'y' }, Float32Array.from([4, 3, 2, 1]), 0);
    catalog.upsert({ id: 'bad', label: 'y' }, Float32Array.from([NaN, 0, 0, 0]), 0);
    memory.rememberLabel('ok1', 'x', 0);
    memory.rememberLabel('ok2', 'y', 0);
    memory.rememberLabel('bad', 'y', 0);
    const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('contrastive'), miner: null, optimizer: tf.train.adam(0.01) });
    const before = encoder.allWeights().map((w) => w.dataSync().slice());
    const result = builder.step()!;
    expect(result.skipped).toBe(true);
    expect(Number.isFinite(result.loss)).toBe(false);
    expect(builder.skippedSteps).toBe(1);
    const after = encoder.allWeights().map((w) => w.dataSync());
    after.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(before[i])));
  });

  it('returns undefined when nothing is trainable', () => {
    const { encoder, catalog, memory } = setup();
    memory.rememberConstraint({ kind: 'pair', a: 'missing', b: 'other', similar: true, weight: 1, at: 0 });
    const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('contrastive'), optimizer: tf.train.sgd(0.1) });
    expect(builder.step()).toBeUndefined();
  });
  it('adds the input-similarity anchor on catalog items drawn at random, labelled or not', () => {
    const { encoder, catalog, memory } = setup();
    const vectors = FIVE_VECTORS;
    vectors.forEach((v, i) => catalog.upsert({ id: `item-${i}` }, Float32Array.from(v), 0));
    memory.rememberConstraint({ kind: 'pair', a: 'item-0', b: 'item-3', similar: true, weight: 1, at: 1 });
    const weight = 7;
    // More items asked for than the catalog has: every item is drawn, so the term is known in closed form.
    const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('multi-similarity'), optimizer: tf.train.sgd(0.1), constraintsPerBatch: 1, inputAnchor: { weight, items: 10 } });
    const emb = vectors.map((v) => encoder.embed(tf.tensor2d([v])).dataSync());
    const cos = (a: ArrayLike<number>, b: ArrayLike<number>) => {
      let ab = 0, aa = 0, bb = 0;
      for (let i = 0; i < a.length; i++) (ab += a[i] * b[i]), (aa += a[i] ** 2), (bb += b[i] ** 2);
      return ab / Math.sqrt(aa * bb);
    };
    let gap = 0;
    for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) gap += (cos(emb[i], emb[j]) - cos(vectors[i], vectors[j])) ** 2;
    const similar = euclid(emb[0], emb[3]);
    const result = builder.step()!;
    expect(result.anchorRows).toBe(5);
    expect(result.rows).toBe(5);
    expect(result.loss).toBeCloseTo(similar + (weight * gap) / 25, 4);
  });

  it('draws anchor items only when there is feedback to learn from, and only unlabelled ones', () => {
    const { encoder, catalog, memory } = setup();
    for (let i = 0; i < 8; i++) catalog.upsert({ id: `item-${i}`, ...(i < 3 ? { label: 'shirt' } : {}) }, Float32Array.from([i, 1, 0, 1]), 0);
    const builder = new BatchBuilder({ encoder, catalog, memory, loss: createLoss('multi-similarity'), optimizer: tf.train.sgd(0.1), inputAnchor: { weight: 1, items: 3 } });
    expect(builder.build()).toBeUndefined();
    memory.rememberConstraint({ kind: 'pair', a: 'item-0', b: 'item-1', similar: false, weight: 1, at: 1 });
    memory.rememberLabel('item-3', 'coat', 1);
    for (let k = 0; k < 20; k++) {
      const batch = builder.build()!;
      expect(batch.anchorRows.length).toBe(3);
      const anchored = [...batch.anchorRows].map((r) => batch.ids[r]);
      expect(new Set(anchored).size).toBe(3);
      for (const id of anchored) expect(['item-4', 'item-5', 'item-6', 'item-7']).toContain(id);
    }
  });
});
