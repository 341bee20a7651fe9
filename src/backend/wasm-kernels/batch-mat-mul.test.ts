import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { useWasmBackend } from '../wasm-backend';
import { maxAbsDiff, onBackends, randomValues } from './kernel-check';

const flagCombos = [
  { transposeA: false, transposeB: false },
  { transposeA: true, transposeB: false },
  { transposeA: false, transposeB: true },
  { transposeA: true, transposeB: true },
];

/** Operand shapes for an [m×k]·[k×n] product with the given batch dims, laid out for the flags. */
function operandShapes(batchA: number[], batchB: number[], m: number, k: number, n: number, transposeA: boolean, transposeB: boolean) {
  return { a: [...batchA, ...(transposeA ? [k, m] : [m, k])], b: [...batchB, ...(transposeB ? [n, k] : [k, n])] };
}

const shapes = [
  { name: 'rank 2, dense backward size', batchA: [], batchB: [], m: 64, k: 96, n: 48 },
  { name: 'rank 2, odd sizes', batchA: [], batchB: [], m: 7, k: 5, n: 3 },
  { name: 'rank 3, batch 1', batchA: [1], batchB: [1], m: 9, k: 17, n: 6 },
  { name: 'rank 3, batch 4', batchA: [4], batchB: [4], m: 5, k: 8, n: 7 },
  { name: 'rank 4, batch 2×3', batchA: [2, 3], batchB: [2, 3], m: 4, k: 6, n: 5 },
  { name: 'broadcast batch 3 against 1', batchA: [3], batchB: [1], m: 4, k: 6, n: 5 },
  { name: 'broadcast rank 3 against rank 2', batchA: [3], batchB: [], m: 4, k: 6, n: 5 },
  { name: 'broadcast rank 2 against rank 3', batchA: [], batchB: [2], m: 4, k: 6, n: 5 },
];

const cases = shapes.flatMap((s) => flagCombos.map((f) => ({ ...s, ...f })));

function relativeDiff(results: Record<string, Float32Array>): number {
  const scale = Math.max(1, ...Array.from(results.cpu, Math.abs));
  return maxAbsDiff(results.cpu, results.wasm) / scale;
}

describe('BatchMatMul on wasm (transposes materialised for XNNPACK)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  it('is installed in place of the stock kernel', () => {
    expect(tf.getKernel(tf.BatchMatMul, 'wasm')?.kernelFunc.name).toBe('batchMatMul');
    expect(tf.getKernel(tf._FusedMatMul, 'wasm')?.kernelFunc.name).toBe('fusedMatMul');
  });

  it.each(cases)('matches cpu: $name, transposeA=$transposeA transposeB=$transposeB', async ({ batchA, batchB, m, k, n, transposeA, transposeB }) => {
    const { a, b } = operandShapes(batchA, batchB, m, k, n, transposeA, transposeB);
    const aValues = randomValues(a.reduce((p, d) => p * d, 1), 11);
    const bValues = randomValues(b.reduce((p, d) => p * d, 1), 12);
    const results = await onBackends(['cpu', 'wasm'], () => tf.matMul(tf.tensor(aValues, a), tf.tensor(bValues, b), transposeA, transposeB));
    const batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
    expect(results.wasm.length).toBe(batch.reduce((p, d) => p * d, 1) * m * n);
    expect(relativeDiff(results)).toBeLessThan(1e-5);
  });

  it('frees the materialised transposes', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor2d(randomValues(32 * 16, 1), [32, 16]);
    const b = tf.tensor2d(randomValues(32 * 8, 2), [32, 8]);
    const before = tf.backend().numDataIds();
    const out = tf.matMul(a, b, true, false);
    expect(out.shape).toEqual([16, 8]);
    out.dispose();
    expect(tf.backend().numDataIds()).toBe(before);
    tf.dispose([a, b]);
  });

  it('keeps the inner-dimension check of the stock kernel', async () => {
    await tf.setBackend('wasm');
    expect(() => tf.matMul(tf.zeros([3, 4]), tf.zeros([5, 4]), true, true)).toThrow(/inner shapes/);
  });
});

describe('_FusedMatMul on wasm (transposes materialised for XNNPACK)', () => {
  beforeAll(async () => {
    await useWasmBackend();
  });

  const activations = ['linear', 'relu', 'prelu'] as const;
  const fusedCases = flagCombos.flatMap((f) => activations.map((activation) => ({ ...f, activation })));

  it.each(fusedCases)('matches cpu with bias, activation=$activation, transposeA=$transposeA transposeB=$transposeB', async ({ transposeA, transposeB, activation }) => {
    const [m, k, n] = [12, 20, 9];
    const { a, b } = operandShapes([], [], m, k, n, transposeA, transposeB);
    const aValues = randomValues(m * k, 21);
    const bValues = randomValues(k * n, 22);
    const biasValues = randomValues(n, 23);
    const alphaValues = randomValues(n, 24);
    const results = await onBackends(['cpu', 'wasm'], () =>
      tf.fused.matMul({
        a: tf.tensor2d(aValues, a as [number, number]),
        b: tf.tensor2d(bValues, b as [number, number]),
        transposeA,
        transposeB,
        bias: tf.tensor1d(biasValues),
        activation,
        preluActivationWeights: activation === 'prelu' ? tf.tensor1d(alphaValues) : undefined,
      }),
    );
    expect(results.wasm.length).toBe(m * n);
    expect(relativeDiff(results)).toBeLessThan(1e-5);
  });

  it('gives a dense layer the same output and gradients as cpu', async () => {
    const [batch, inputs, units] = [16, 40, 24];
    const xValues = randomValues(batch * inputs, 31);
    const kernelValues = randomValues(inputs * units, 32);
    const biasValues = randomValues(units, 33);
    const weightsOfOutput = Float32Array.from({ length: batch * units }, (_, i) => Math.sin(i));
    const gradientsOn = async (backend: string) => {
      await tf.setBackend(backend);
      const layer = tfl.layers.dense({ units, activation: 'relu', inputShape: [inputs] });
      layer.build([null, inputs]);
      layer.setWeights([tf.tensor2d(kernelValues, [inputs, units]), tf.tensor1d(biasValues)]);
      const x = tf.tensor2d(xValues, [batch, inputs]);
      const weighting = tf.tensor2d(weightsOfOutput, [batch, units]);
      const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weighting)) as tf.Scalar, [kernel, bias]);
      const dx = tf.grad((xt: tf.Tensor) => tf.sum(tf.mul(layer.apply(xt) as tf.Tensor, weighting)))(x);
      const out = {
        value: Float32Array.from(await value.data()),
        kernel: Float32Array.from(await grads[kernel.name].data()),
        bias: Float32Array.from(await grads[bias.name].data()),
        input: Float32Array.from(await dx.data()),
      };
      tf.dispose([x, weighting, value, dx, ...Object.values(grads)]);
      for (const w of layer.weights) w.dispose();
      return out;
    };
    const cpu = await gradientsOn('cpu');
    const wasm = await gradientsOn('wasm');
    for (const key of ['value', 'kernel', 'bias', 'input'] as const) {
      const scale = Math.max(1, ...Array.from(cpu[key], Math.abs));
      expect(cpu[key].some((v) => v !== 0)).toBe(true);
      expect(maxAbsDiff(cpu[key], wasm[key]) / scale, key).toBeLessThan(1e-5);
    }
  });
});
