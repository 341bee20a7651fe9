import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useWasmBackend } from '../backend/wasm-backend';
import { createLoss, createMiner } from '../dml/registry';
import { thumbnailCnnConfig } from '../encoder/default-configs';
import { createEncoder, type Encoder } from '../encoder/encoder';
import { trainEncoder } from '../offline-training/train-encoder';
import { startGradientReplicas, type ThreadedGradientReplicas } from './gradient-replicas';
import { quadrantImages } from '../../test/support/quadrant-images';

// The default recipe's shape (no batch normalisation, flattened trunk) with fewer filters.
const config = thumbnailCnnConfig({
  batchNorm: false,
  globalPool: 'flatten',
  blocks: [
    { filters: 4, kernelSize: 3, stride: 1, pool: 'max' },
    { filters: 8, kernelSize: 3, stride: 1, pool: 'max' },
  ],
  head: { hidden: [16], dim: 8 },
});

function copyOf(encoder: Encoder): Encoder {
  const copy = createEncoder(encoder.config);
  copy.featureExtractor.setWeights(encoder.featureExtractor.getWeights());
  copy.head.setWeights(encoder.head.getWeights());
  return copy;
}

async function train(encoder: Encoder, threads: number) {
  const loss = createLoss('multi-similarity', { alpha: 2, beta: 50, base: 0.5 });
  const miner = createMiner('multi-similarity', { epsilon: 0.1 }) ?? undefined;
  const { summary } = await trainEncoder({ encoder, data: quadrantImages(64, 7), loss, miner, classesPerBatch: 4, itemsPerClass: 8, inputSimilarity: { weight: 10, pool: 4 }, steps: 3, seed: 3, threads, startReplicas: startGradientReplicas });
  return summary;
}

describe('data-parallel gradients over replica threads', () => {
  let replicas: ThreadedGradientReplicas | undefined;

  beforeAll(async () => {
    await useWasmBackend();
  });

  afterEach(async () => {
    await replicas?.close();
    replicas = undefined;
  });

  it('trains to the same losses and weights on two threads as on one', async () => {
    const single = createEncoder(config);
    const parallel = copyOf(single);
    const one = await train(single, 1);
    const two = await train(parallel, 2);
    expect(two.steps).toBe(3);
    two.lossHistory.forEach((loss, i) => expect(loss).toBeCloseTo(one.lossHistory[i], 5));
    const a = single.allWeights();
    const b = parallel.allWeights();
    const largest = Math.max(...a.map((w, i) => tf.max(tf.abs(tf.sub(w, b[i]))).dataSync()[0]));
    expect(largest).toBeLessThan(1e-5);
    // Adam moved every weight, so equal weights are not equal initial weights left untouched.
    expect(tf.max(tf.abs(tf.sub(a[0], createEncoder(config).allWeights()[0]))).dataSync()[0]).toBeGreaterThan(0);
    single.dispose();
    parallel.dispose();
  }, 120_000);

  it.each(['exit', 'throw'] as const)('fails the step, and every later one, when a replica %ss', async (how) => {
    const encoder = createEncoder(config);
    replicas = await startGradientReplicas({ encoder, threads: 2, maxRows: 16 });
    const x = tf.randomUniform([16, 28, 28, 1], 0, 255);
    const labels = Int32Array.from({ length: 16 }, (_, i) => i % 2);
    const loss = createLoss('multi-similarity');
    const lossOf = (e: tf.Tensor2D) => loss.compute(e, labels);
    const first = await replicas.variableGrads(x, lossOf);
    expect(Number.isFinite(first.value.dataSync()[0])).toBe(true);
    tf.dispose([first.value, ...Object.values(first.grads)]);

    replicas.crashReplica(1, how);
    const reason = how === 'exit' ? /gradient replica thread exited with code 3/ : /gradient replica failed: replica asked to fail/;
    await expect(replicas.variableGrads(x, lossOf)).rejects.toThrow(reason);
    await expect(replicas.variableGrads(x, lossOf)).rejects.toThrow(reason);
    x.dispose();
    encoder.dispose();
  }, 120_000);

  it('fails to start, rather than waiting, when a replica cannot build the encoder', async () => {
    const encoder = createEncoder(config);
    // The same encoder, with a configuration its replicas refuse.
    const unbuildable = Object.assign(Object.create(Object.getPrototypeOf(encoder) as object) as Encoder, encoder, { config: { ...encoder.config, blocks: [] } });
    await expect(startGradientReplicas({ encoder: unbuildable, threads: 2, maxRows: 16 })).rejects.toThrow(/gradient replica failed: .*blocks/);
    encoder.dispose();
  }, 120_000);

  it('refuses an encoder with batch normalisation, whose statistics would differ per part', async () => {
    const encoder = createEncoder(thumbnailCnnConfig({ blocks: [{ filters: 4, kernelSize: 3, stride: 1, pool: 'max' }], head: { hidden: [], dim: 8 } }));
    await expect(startGradientReplicas({ encoder, threads: 2, maxRows: 16 })).rejects.toThrow(/without batch normalisation/);
    encoder.dispose();
  });
});
