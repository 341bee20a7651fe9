import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { tfjsNodeAvailability } from '../../../test/support/tfjs-node';
import { selectBackend } from '../select-backend';
import { registerTensorflowKernels } from './register-tensorflow-kernels';

const tfjsNode = tfjsNodeAvailability();

describe.skipIf(!tfjsNode.available)(`Step on the tensorflow backend${tfjsNode.available ? '' : ` (skipped: ${tfjsNode.reason})`}`, () => {
  const floats = [-2, -0.5, -0, 0, 1e-30, 0.5, 3, NaN, -Infinity, Infinity];

  async function onBoth(compute: () => tf.Tensor): Promise<{ cpu: number[]; tensorflow: number[] }> {
    await tf.setBackend('cpu');
    const cpu = Array.from(await tf.tidy(compute).data());
    await tf.setBackend('tensorflow');
    const tensorflow = Array.from(await tf.tidy(compute).data());
    return { cpu, tensorflow };
  }

  it('is installed when the backend is selected, once', async () => {
    await selectBackend('tfjs-node', { env: {} });
    expect(registerTensorflowKernels()).toEqual([]);
  });

  it.each([0, 0.2, -1])('gives the cpu backend’s values with alpha %s, NaN kept, for float32 and int32', async (alpha) => {
    await selectBackend('tfjs-node', { env: {} });
    const f = await onBoth(() => tf.step(tf.tensor1d(floats), alpha));
    expect(f.tensorflow).toEqual(f.cpu);
    expect(f.tensorflow.filter(Number.isNaN)).toHaveLength(1);
    const i = await onBoth(() => tf.step(tf.tensor2d([-3, 0, 2, 7, -1, 1], [2, 3], 'int32'), alpha));
    expect(i.tensorflow).toEqual(i.cpu);
  });

  it('gives ReLU and leaky ReLU the cpu backend’s gradients', async () => {
    await selectBackend('tfjs-node', { env: {} });
    const x = () => tf.tensor2d([-1.5, -0.1, 0, 0.2, 2, 5], [2, 3]);
    const relu = await onBoth(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]))))(x()));
    expect(relu.tensorflow).toEqual(relu.cpu);
    expect(relu.tensorflow).toEqual([0, 0, 0, 4, 5, 6]);
    const leaky = await onBoth(() => tf.grad((v: tf.Tensor) => tf.sum(tf.leakyRelu(v, 0.1)))(x()));
    expect(leaky.tensorflow.map((v) => Math.fround(v))).toEqual(leaky.cpu.map((v) => Math.fround(v)));
  });
});
