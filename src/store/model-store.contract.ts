import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelStoreError, type ModelStore, type ModelVersionInfo } from '../core/model-store';

/** How the contract reaches one adapter: a store to write versions into, and the store under test reading them. */
export interface ModelStoreContractTarget {
  /** A fresh, empty store pair. `reader` may be `writer` itself (a store that reads and writes). */
  open(): Promise<{ writer: ModelStore; reader: ModelStore; close(): Promise<void> }>;
}

function info(id: string, step = 100): ModelVersionInfo {
  return { id, createdAt: '2025-01-02T03:04:05.000Z', step, embeddingDim: 64, input: { height: 28, width: 28, channels: 1 }, metrics: { mapAtR: 0.41 }, extra: { backend: 'wasm' } };
}

/**
 * What every `ModelStore` adapter must do when reading versions, whoever wrote them: the same
 * infos and ONNX bytes back, versions listed sorted by id, deletions seen by `list()`, unknown
 * ids as `undefined` / `not_found`, malformed ids refused naming the field.
 *
 * @example
 * describeModelStoreContract('filesystem', { open: async () => { const s = createFsModelStore({ dir }); return { writer: s, reader: s, close: async () => {} }; } });
 */
export function describeModelStoreContract(name: string, target: ModelStoreContractTarget): void {
  describe(`ModelStore contract: ${name}`, () => {
    const opened: Array<() => Promise<void>> = [];
    const dirs: string[] = [];
    afterAll(async () => {
      for (const close of opened) await close();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });
    async function open() {
      const pair = await target.open();
      opened.push(pair.close);
      return pair;
    }

    it('reads back what was stored: info, ONNX bytes (large ones too), versions sorted by id', async () => {
      const { writer, reader } = await open();
      expect(await reader.list()).toEqual([]);
      const big = Uint8Array.from({ length: 3 * 1024 * 1024 + 17 }, (_, i) => (i * 31) % 256);
      const checkpoint = await mkdtemp(join(tmpdir(), 'discern-contract-ckpt-'));
      dirs.push(checkpoint);
      await mkdir(join(checkpoint, 'weights'), { recursive: true });
      await writeFile(join(checkpoint, 'model.json'), '{}');
      await writer.put(info('v000002', 200), big, checkpoint);
      await writer.put(info('v000001'), new Uint8Array([7, 8, 9]));

      expect((await reader.list()).map((v) => v.id)).toEqual(['v000001', 'v000002']);
      expect(await reader.list()).toEqual([info('v000001'), info('v000002', 200)]);
      expect(await reader.get('v000002')).toEqual(info('v000002', 200));
      expect(await reader.onnx('v000001')).toEqual(new Uint8Array([7, 8, 9]));
      const bytes = await reader.onnx('v000002');
      expect(bytes.length).toBe(big.length);
      expect(Buffer.from(bytes).equals(Buffer.from(big))).toBe(true);
      // Asked twice (a cache, where there is one, answers the same).
      expect(await reader.get('v000002')).toEqual(info('v000002', 200));
      expect(Buffer.from(await reader.onnx('v000002')).equals(Buffer.from(big))).toBe(true);
    });

    it('answers unknown versions with undefined / not_found and lists deletions', async () => {
      const { writer, reader } = await open();
      expect(await reader.get('v000404')).toBeUndefined();
      await expect(reader.onnx('v000404')).rejects.toMatchObject({ code: 'not_found', field: 'id' });
      await writer.put(info('v000001'), new Uint8Array([1]));
      await writer.put(info('v000002'), new Uint8Array([2]));
      expect((await reader.list()).map((v) => v.id)).toEqual(['v000001', 'v000002']);
      await writer.delete('v000001');
      expect((await reader.list()).map((v) => v.id)).toEqual(['v000002']);
      // A version written after the reader first looked shows up too.
      expect(await reader.get('v000003')).toBeUndefined();
      await writer.put(info('v000003'), new Uint8Array([3]));
      expect(await reader.get('v000003')).toEqual(info('v000003'));
    });

    it('refuses malformed ids naming the field', async () => {
      const { reader } = await open();
      for (const bad of ['../escape', 'a/b', '', '.hidden']) {
        const error = await reader.get(bad).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ModelStoreError);
        expect(error).toMatchObject({ code: 'invalid_argument', field: 'id' });
        await expect(reader.onnx(bad)).rejects.toMatchObject({ code: 'invalid_argument', field: 'id' });
      }
    });
  });
}
