import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from './select-backend';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: 'info' }, stream), lines };
}

/** Stands in for a machine without the optional tfjs-node packages, whatever this one has. */
async function withoutTfjsNode(specifier: string): Promise<unknown> {
  if (specifier.startsWith('@tensorflow/tfjs-node')) throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' });
  return import(/* @vite-ignore */ specifier);
}

describe('selectBackend', () => {
  it('auto skips the uninstalled tfjs-node packages, runs wasm and logs exactly one line saying why', async () => {
    const { log, lines } = capturingLogger();
    const selected = await selectBackend('auto', { log, env: {}, importPackage: withoutTfjsNode });
    expect(selected.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(selected.skipped.map((s) => s.backend)).toEqual(['tfjs-node-gpu', 'tfjs-node']);
    expect(selected.skipped[0].reason).toMatch(/not installed/);
    expect(selected.wasm?.simd).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ backend: 'wasm', preference: 'auto', source: 'argument' });
    expect(JSON.stringify(lines[0].skipped)).toContain('tfjs-node-gpu');
  });

  it('honours an explicit preference and fails clearly when it is unavailable', async () => {
    const { log } = capturingLogger();
    expect((await selectBackend('cpu', { log, env: {} })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expect(selectBackend('tfjs-node', { log, env: {}, importPackage: withoutTfjsNode })).rejects.toThrow(/backend 'tfjs-node' requested via argument is unavailable: @tensorflow\/tfjs-node is not installed/);
    await expect(selectBackend('gpu' as never, { log, env: {} })).rejects.toThrow(/backend preference must be one of/);
  });

  it('lets DISCERN_BACKEND override the argument, and rejects bad values naming the variable', async () => {
    const { log, lines } = capturingLogger();
    const selected = await selectBackend('wasm', { log, env: { DISCERN_BACKEND: 'cpu' } });
    expect(selected).toMatchObject({ name: 'cpu', source: 'DISCERN_BACKEND', preference: 'cpu' });
    expect(lines[0]).toMatchObject({ source: 'DISCERN_BACKEND' });
    await expect(selectBackend('auto', { log, env: { DISCERN_BACKEND: 'tpu' } })).rejects.toThrow(/DISCERN_BACKEND must be one of/);
    await expect(selectBackend('auto', { log, env: { DISCERN_BACKEND: 'tfjs-node-gpu' }, importPackage: withoutTfjsNode })).rejects.toThrow(/requested via DISCERN_BACKEND is unavailable/);
  });

  it('says why a package that is installed but broken could not load', async () => {
    const { log } = capturingLogger();
    const broken = async () => {
      throw new Error('libtensorflow.so.2: cannot open shared object file');
    };
    await expect(selectBackend('tfjs-node', { log, env: {}, importPackage: broken })).rejects.toThrow(/@tensorflow\/tfjs-node failed to load: libtensorflow\.so\.2: cannot open shared object file/);
    const selected = await selectBackend('auto', { log, env: {}, importPackage: broken });
    expect(selected.name).toBe('wasm');
    expect(selected.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/tfjs-node-gpu failed to load/), expect.stringMatching(/tfjs-node failed to load/)]);
  });
});
