import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStoreError, type ModelVersionInfo } from '../../core/model-store';
import { createFsModelStore, nextModelVersionId } from './index';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'discern-models-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function info(id: string, step = 100): ModelVersionInfo {
  return { id, createdAt: '2025-01-02T03:04:05.000Z', step, embeddingDim: 128, input: { height: 28, width: 28, channels: 1 }, metrics: { recallAt1: 0.8 }, extra: { recipe: 'triplet' } };
}

describe('nextModelVersionId', () => {
  it('counts up from the highest vNNNNNN id, ignoring others, and sorts as strings', () => {
    expect(nextModelVersionId([])).toBe('v000001');
    expect(nextModelVersionId(['v000009', 'v000002', 'draft', 'v12'])).toBe('v000010');
    const ids: string[] = [];
    for (let i = 0; i < 120; i++) ids.push(nextModelVersionId(ids));
    expect([...ids].sort()).toEqual(ids);
    expect(ids.at(-1)).toBe('v000120');
    expect(() => nextModelVersionId(['v999999'])).toThrow(ModelStoreError);
  });
});

describe('filesystem ModelStore', () => {
  it('stores a version with its ONNX bytes and checkpoint, lists sorted by id, deletes', async () => {
    const dir = await tempDir();
    const store = createFsModelStore({ dir });
    expect(await store.list()).toEqual([]);
    const checkpoint = join(await tempDir(), 'ckpt');
    await mkdir(join(checkpoint, 'weights'), { recursive: true });
    await writeFile(join(checkpoint, 'model.json'), '{"format":"layers-model"}');
    await writeFile(join(checkpoint, 'weights', 'group1.bin'), Buffer.from([1, 2, 3]));
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

    await store.put(info('v000002'), bytes, checkpoint);
    await store.put(info('v000001', 50), new Uint8Array([9]));

    expect((await store.list()).map((v) => v.id)).toEqual(['v000001', 'v000002']);
    expect(await store.get('v000002')).toEqual(info('v000002'));
    expect(await store.onnx('v000002')).toEqual(bytes);
    const ckpt = await store.checkpointDir('v000002');
    expect(ckpt).toBe(join(dir, 'models', 'v000002', 'checkpoint'));
    expect(await readFile(join(ckpt!, 'weights', 'group1.bin'))).toEqual(Buffer.from([1, 2, 3]));
    expect(await store.checkpointDir('v000001')).toBeUndefined();
    expect(await readdir(join(dir, 'models'))).toEqual(['v000001', 'v000002']);

    await store.delete('v000001');
    expect((await store.list()).map((v) => v.id)).toEqual(['v000002']);
    expect(await store.get('v000001')).toBeUndefined();
    await expect(store.onnx('v000001')).rejects.toMatchObject({ code: 'not_found' });
    await store.delete('v000001');

    const reopened = createFsModelStore({ dir });
    expect(await reopened.get('v000002')).toEqual(info('v000002'));
  });

  it('keeps versions immutable and leaves nothing behind when a put fails', async () => {
    const dir = await tempDir();
    const store = createFsModelStore({ dir });
    await store.put(info('v000001'), new Uint8Array([1]));
    await expect(store.put(info('v000001'), new Uint8Array([2]))).rejects.toMatchObject({ code: 'conflict', field: 'info.id' });
    expect(await store.onnx('v000001')).toEqual(new Uint8Array([1]));
    const results = await Promise.allSettled([store.put(info('v000003'), new Uint8Array([3])), store.put(info('v000003'), new Uint8Array([4]))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await readdir(join(dir, 'models'))).sort()).toEqual(['v000001', 'v000003']);
  });

  it('rejects bad input naming the field', async () => {
    const store = createFsModelStore({ dir: await tempDir() });
    const field = async (promise: Promise<unknown>) => ((await promise.catch((e: unknown) => e)) as ModelStoreError).field;
    expect(await field(store.put(info('../escape'), new Uint8Array([1])))).toBe('info.id');
    expect(await field(store.put({ ...info('v1'), embeddingDim: 0 }, new Uint8Array([1])))).toBe('info.embeddingDim');
    expect(await field(store.put({ ...info('v1'), step: -1 }, new Uint8Array([1])))).toBe('info.step');
    expect(await field(store.put({ ...info('v1'), input: { features: Number.NaN } }, new Uint8Array([1])))).toBe('info.input.features');
    expect(await field(store.put(info('v1'), new Uint8Array([1])))).toBe('info.id');
    expect(await field(store.put(info('v000001'), new Uint8Array()))).toBe('onnx');
    expect(await field(store.put(info('v000001'), new Uint8Array([1]), '/no/such/dir'))).toBe('checkpointDir');
    expect(await field(store.get('a/b'))).toBe('id');
    expect(await store.list()).toEqual([]);
  });
});
