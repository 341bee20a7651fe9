import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { onBackends, randomValues } from './kernel-check';

describe('Identity on wasm (shared memory instead of a copy)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it('is installed in place of the stock kernel', () => {
    expect(tf.getKernel(tf.Identity, 'wasm')?.kernelFunc.name).toBe('identity');
  });

  it.each(['float32', 'int32', 'bool'] as const)('gives back the %s values it was given', async (dtype) => {
    const values = Array.from(randomValues(12, 3), (v) => (dtype === 'float32' ? v : dtype === 'int32' ? Math.round(v * 100) : v > 0 ? 1 : 0));
    const results = await onBackends(['cpu', 'wasm'], () => tf.cast(tf.clone(tf.tensor(values, [3, 4], dtype)), 'float32'));
    expect(Array.from(results.wasm)).toEqual(Array.from(results.cpu));
  });

  it('keeps the shared memory until the last tensor using it is disposed', async () => {
    await tf.setBackend('wasm');
    const before = tf.backend().numDataIds();
    const x = tf.tensor2d(randomValues(6, 4), [2, 3]);
    const copy = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(before + 1);
    x.dispose();
    expect(Array.from(await copy.data())).toEqual(Array.from(randomValues(6, 4)));
    copy.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
  });

  it('gives the same gradients as cpu through a custom gradient (which passes tensors through Identity)', async () => {
    const values = randomValues(8, 5);
    const results = await onBackends(['cpu', 'wasm'], () => {
      const f = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
        const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
        save([x]);
        return { value: tf.square(x), gradFunc: (dy: tf.Tensor, [saved]: tf.Tensor[]) => tf.mul(dy, tf.mul(saved, 2)) };
      });
      return tf.grad((x: tf.Tensor) => tf.sum(f(x) as tf.Tensor))(tf.tensor1d(values));
    });
    expect(Array.from(results.wasm)).toEqual(Array.from(results.cpu));
  });
});
