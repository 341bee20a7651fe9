import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { createEncoder } from '../encoder';
import { thumbnailCnnConfig } from '../default-configs';
import { createFsCheckpointStore } from '../../store/checkpoint-fs';
import { listCheckpointVersions, loadCheckpoint, saveCheckpoint } from './checkpoints';

const store = (dir: string) => createFsCheckpointStore(dir);
const checkpointsRoot = (dir: string) => path.join(dir, 'checkpoints');

const smallConfig = () => thumbnailCnnConfig({ blocks: [{ filters: 4, kernelSize: 3, stride: 2, pool: 'max' }], head: { hidden: [8], dim: 4 } });
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'discern-ckpt-'));
  dirs.push(dir);
  return dir;
}

describe('checkpoints', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips weights, BN statistics, config, meta and Adam state', async () => {
    const dir = tempDir();
    const encoder = createEncoder(smallConfig());
    const optimizer = tf.train.adam(0.01);
    const x = tf.randomUniform([4, 28, 28, 1], 0, 255);
    const loss = (e: typeof encoder) => () => tf.mean(tf.square(tf.sub(e.embedForTraining(x), 0.5))) as tf.Scalar;
    for (let i = 0; i < 2; i++) optimizer.minimize(loss(encoder), false, encoder.trainableVariables());
    const version = await saveCheckpoint(store(dir), encoder, { step: 2, events: 17 }, { optimizer });
    expect(version).toBe('v000001');

    const restoredOptimizer = tf.train.adam(0.01);
    const loaded = await loadCheckpoint(store(dir), 'latest', { optimizer: restoredOptimizer });
    expect(loaded.version).toBe('v000001');
    expect(loaded.meta).toEqual({ step: 2, events: 17 });
    expect(loaded.encoder.config).toEqual(encoder.config);
    const original = encoder.allWeights().map((w) => Array.from(w.dataSync()));
    const restored = loaded.encoder.allWeights().map((w) => Array.from(w.dataSync()));
    expect(restored).toEqual(original);
    expect(Array.from(loaded.encoder.embed(x).dataSync())).toEqual(Array.from(encoder.embed(x).dataSync()));

    // Continuing training from the checkpoint takes exactly the step the original takes.
    optimizer.minimize(loss(encoder), false, encoder.trainableVariables());
    restoredOptimizer.minimize(loss(loaded.encoder), false, loaded.encoder.trainableVariables());
    const a = encoder.allWeights().map((w) => Array.from(w.dataSync())).flat();
    const b = loaded.encoder.allWeights().map((w) => Array.from(w.dataSync())).flat();
    expect(Math.max(...a.map((v, i) => Math.abs(v - b[i])))).toBeLessThan(1e-6);
    encoder.dispose();
    loaded.encoder.dispose();
  });

  it('keeps the last N versions and loads a named one', async () => {
    const dir = tempDir();
    const encoder = createEncoder(smallConfig());
    for (let step = 1; step <= 4; step++) await saveCheckpoint(store(dir), encoder, { step }, { keep: 2 });
    expect(await listCheckpointVersions(store(dir))).toEqual(['v000003', 'v000004']);
    expect((await loadCheckpoint(store(dir), 'v000003')).meta.step).toBe(3);
    await expect(loadCheckpoint(store(dir), 'v000001')).rejects.toThrow(/not a complete checkpoint/);
    await expect(loadCheckpoint(store(dir), '../etc')).rejects.toThrow(/must look like v000001/);
    encoder.dispose();
  });

  it('a save killed mid-write leaves latest on the previous complete checkpoint', async () => {
    const dir = tempDir();
    const encoder = createEncoder(smallConfig());
    await saveCheckpoint(store(dir), encoder, { step: 1 });
    const fixture = path.join(__dirname, 'interrupted-save.fixture.ts');
    const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, dir], { cwd: path.resolve(__dirname, '../../..'), encoding: 'utf8' });
    expect(child.signal).toBe('SIGKILL');
    const leftovers = (await fs.readdir(checkpointsRoot(dir))).filter((e) => e.startsWith('.tmp-'));
    expect(leftovers).toHaveLength(1);
    expect(await fs.readdir(path.join(checkpointsRoot(dir), leftovers[0]))).toContain('head');

    const loaded = await loadCheckpoint(store(dir));
    expect(loaded.version).toBe('v000001');
    expect(loaded.meta.step).toBe(1);
    expect(await listCheckpointVersions(store(dir))).toEqual(['v000001']);

    // The next save cleans the debris and becomes latest.
    expect(await saveCheckpoint(store(dir), encoder, { step: 3 })).toBe('v000002');
    expect((await fs.readdir(checkpointsRoot(dir))).filter((e) => e.startsWith('.tmp-'))).toEqual([]);
    expect((await loadCheckpoint(store(dir))).meta.step).toBe(3);
    encoder.dispose();
    loaded.encoder.dispose();
  });

  it('falls back to the newest complete version when the latest pointer was never written', async () => {
    const dir = tempDir();
    const encoder = createEncoder(smallConfig());
    await saveCheckpoint(store(dir), encoder, { step: 1 });
    await saveCheckpoint(store(dir), encoder, { step: 2 });
    await fs.rm(path.join(checkpointsRoot(dir), 'latest'));
    await fs.mkdir(path.join(checkpointsRoot(dir), 'v000003')); // renamed dir without manifest cannot happen, but must not be picked
    expect((await loadCheckpoint(store(dir))).meta.step).toBe(2);
    await expect(loadCheckpoint(store(tempDir()))).rejects.toThrow(/no checkpoint under/);
    encoder.dispose();
  });

  it('validates meta and keep', async () => {
    const encoder = createEncoder(smallConfig());
    await expect(saveCheckpoint(store(tempDir()), encoder, { step: -1 })).rejects.toThrow(/meta\.step/);
    await expect(saveCheckpoint(store(tempDir()), encoder, { step: 1 }, { keep: 0 })).rejects.toThrow(/keep/);
    encoder.dispose();
  });
});
