import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProxyNCALoss } from './proxy-nca-loss';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('ProxyNCALoss class growth', () => {
  it('adds proxies for new classes in place, and reallocates only beyond capacity', () => {
    const loss = new ProxyNCALoss({ embeddingSize: 3, initialCapacity: 2, seed: 1 });
    expect(loss.trainableVariables()).toEqual([]);
    expect(loss.ensureClasses(Int32Array.from([5, 5, 9]))).toEqual({ added: [5, 9], reallocated: false });
    const first = loss.trainableVariables()[0];
    const before = loss.proxyMatrix();
    const rowsBefore = before.arraySync();
    before.dispose();

    expect(loss.ensureClasses([9, 5])).toEqual({ added: [], reallocated: false });
    const grown = loss.ensureClasses([11, 5]);
    expect(grown).toEqual({ added: [11], reallocated: true });
    expect(loss.proxiesVersion).toBe(1);
    expect(first.isDisposed).toBe(true);
    const now = loss.proxyMatrix();
    const rowsNow = now.arraySync();
    now.dispose();
    expect(loss.classes()).toEqual([5, 9, 11]);
    // Existing proxies keep their learnt values across the reallocation.
    expect(rowsNow.slice(0, 2)).toEqual(rowsBefore);
    expect(rowsNow[2].some((v) => v !== 0)).toBe(true);

    // Capacity doubled to 4: one more class fits in place.
    const current = loss.trainableVariables()[0];
    expect(loss.ensureClasses([12])).toEqual({ added: [12], reallocated: false });
    expect(loss.trainableVariables()[0]).toBe(current);
    loss.dispose();
  });

  it('an optimizer keeps training the same variable while classes arrive within capacity', () => {
    const loss = new ProxyNCALoss({ embeddingSize: 4, initialCapacity: 8, seed: 2, softmaxScale: 4 });
    const optimizer = tf.train.adam(0.05);
    const e = tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
    const values: number[] = [];
    const step = (labels: Int32Array) => {
      expect(loss.ensureClasses(labels).reallocated).toBe(false);
      const cost = optimizer.minimize(() => loss.compute(e, labels), true, loss.trainableVariables())!;
      values.push(cost.dataSync()[0]);
      cost.dispose();
    };
    for (let i = 0; i < 10; i++) step(Int32Array.from([0, 0, 1, 1]));
    for (let i = 0; i < 30; i++) step(Int32Array.from([0, 1, 2, 3]));
    expect(loss.numClasses).toBe(4);
    expect(values[values.length - 1]).toBeLessThan(values[10] * 0.7);
    // Unused capacity rows received no updates.
    const all = loss.trainableVariables()[0].arraySync() as number[][];
    expect(all.slice(4).flat().every((v) => v === 0)).toBe(true);
    tf.dispose([e]);
    optimizer.dispose();
    loss.dispose();
  });

  it('names what is missing', () => {
    const loss = new ProxyNCALoss();
    expect(() => loss.ensureClasses([1])).toThrow(/embeddingSize/);
    loss.ensureClasses([1, 2], 3);
    expect(() => tf.tidy(() => loss.compute(tf.zeros([1, 3]), Int32Array.from([7])))).toThrow(/label 7.*ensureClasses/);
    expect(() => tf.tidy(() => loss.compute(tf.zeros([1, 4]), Int32Array.from([1])))).toThrow(/width 4/);
    expect(() => tf.tidy(() => loss.compute(tf.zeros([2, 3]), Int32Array.from([1])))).toThrow(/labels has 1/);
    loss.dispose();
  });
});
