import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRandom } from '../../dml/random';
import { lazyInputGradient } from './lazy-input-gradient';

const values = (size: number, seed: number) => {
  const random = createRandom(seed);
  return Float32Array.from({ length: size }, () => random.next() - 0.5);
};

/** Two identical layers, one made lazy, with the same weights. */
function pair(args: Parameters<typeof tfl.layers.conv2d>[0], inputShape: number[]) {
  const plain = tfl.layers.conv2d(args);
  const lazy = lazyInputGradient(tfl.layers.conv2d(args));
  plain.build([null, ...inputShape]);
  lazy.build([null, ...inputShape]);
  lazy.setWeights(plain.getWeights());
  return { plain, lazy };
}

describe('lazyInputGradient', () => {
  const args = { filters: 4, kernelSize: 3, padding: 'same' as const, activation: 'linear' as const };
  const x = tf.tensor4d(values(2 * 6 * 6 * 1, 1), [2, 6, 6, 1]);
  const weighting = tf.tensor4d(values(2 * 6 * 6 * 4, 2), [2, 6, 6, 4]);

  it('gives the same outputs in training and inference as the fused layer', async () => {
    await tf.setBackend('cpu');
    const { plain, lazy } = pair(args, [6, 6, 1]);
    for (const training of [true, false]) {
      const a = (plain.apply(x, { training }) as tf.Tensor).dataSync();
      const b = (lazy.apply(x, { training }) as tf.Tensor).dataSync();
      expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
    }
    expect({ ...lazy.getConfig(), name: '' }).toEqual({ ...plain.getConfig(), name: '' });
    expect(lazy.getClassName()).toBe('Conv2D');
  });

  it('gives the same weight gradients and skips the input gradient nobody asked for', async () => {
    await tf.setBackend('cpu');
    const { plain, lazy } = pair(args, [6, 6, 1]);
    const gradients = async (layer: tfl.layers.Layer) => {
      const variables = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      let result: Float32Array[] = [];
      const profile = await tf.profile(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x, { training: true }) as tf.Tensor, weighting)) as tf.Scalar, variables);
        result = variables.map((v) => grads[v.name].dataSync() as Float32Array);
        return [];
      });
      return { result, inputGradients: profile.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length };
    };
    const fused = await gradients(plain);
    const unfused = await gradients(lazy);
    expect(fused.inputGradients).toBe(1);
    expect(unfused.inputGradients).toBe(0);
    fused.result.forEach((g, k) => {
      expect(g.some((v) => v !== 0)).toBe(true);
      expect(Math.max(...g.map((v, i) => Math.abs(v - unfused.result[k][i])))).toBeLessThan(1e-5);
    });
  });

  it('still gives the input gradient when one is asked for', async () => {
    await tf.setBackend('cpu');
    const { plain, lazy } = pair({ ...args, activation: 'relu' }, [6, 6, 1]);
    const dx = (layer: tfl.layers.Layer) => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input, { training: true }) as tf.Tensor, weighting)))(x).dataSync();
    const a = dx(plain);
    const b = dx(lazy);
    expect(a.some((v) => v !== 0)).toBe(true);
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-5);
  });
});
