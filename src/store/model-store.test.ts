import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelVersionInfo } from '../core/model-store';
import { createModelStore } from './index';
import { createFsModelStore } from './model-fs';
import { createHttpModelStore, serveModelStore } from './model-http';
import { describeModelStoreContract } from './model-store.contract';

const dirs: string[] = [];
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function info(id: string): ModelVersionInfo {
  return { id, createdAt: '2025-01-02T03:04:05.000Z', step: 1, embeddingDim: 8, input: { features: 4 } };
}

describeModelStoreContract('filesystem', {
  async open() {
    const store = createFsModelStore({ dir: await tempDir('discern-models-fs-') });
    return { writer: store, reader: store, close: async () => undefined };
  },
});

describeModelStoreContract('HTTP (a filesystem store served by another process)', {
  async open() {
    const writer = createFsModelStore({ dir: await tempDir('discern-models-served-') });
    const server = await serveModelStore(writer, { port: 0, host: '127.0.0.1' });
    const reader = createModelStore({ kind: 'http', url: server.url, cacheDir: await tempDir('discern-models-cache-') });
    return { writer, reader, close: server.close };
  },
});

describe('HTTP ModelStore', () => {
  it('keeps serving fetched versions from its cache while the server is away, and across restarts', async () => {
    const writer = createFsModelStore({ dir: await tempDir('discern-models-served-') });
    await writer.put(info('v000001'), new Uint8Array([1, 2, 3]));
    await writer.put(info('v000002'), new Uint8Array([4, 5]));
    const cacheDir = await tempDir('discern-models-cache-');
    const server = await serveModelStore(writer, { port: 0, host: '127.0.0.1' });
    const reader = createHttpModelStore({ url: server.url, cacheDir });
    expect(await reader.onnx('v000001')).toEqual(new Uint8Array([1, 2, 3]));
    expect(await reader.get('v000001')).toEqual(info('v000001'));
    await server.close();

    const restarted = createHttpModelStore({ url: server.url, cacheDir });
    expect(await restarted.get('v000001')).toEqual(info('v000001'));
    expect(await restarted.onnx('v000001')).toEqual(new Uint8Array([1, 2, 3]));
    expect((await restarted.list()).map((v) => v.id)).toEqual(['v000001']);
    await expect(restarted.onnx('v000002')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/cannot be reached/) });
  });

  it('drops cached versions the server no longer lists; refuses writes as read-only', async () => {
    const writer = createFsModelStore({ dir: await tempDir('discern-models-served-') });
    await writer.put(info('v000001'), new Uint8Array([1]));
    const cacheDir = await tempDir('discern-models-cache-');
    const server = await serveModelStore(writer, { port: 0, host: '127.0.0.1' });
    try {
      const reader = createHttpModelStore({ url: server.url, cacheDir });
      await reader.onnx('v000001');
      expect(await readdir(cacheDir)).toEqual(['v000001']);
      await writer.delete('v000001');
      expect(await reader.list()).toEqual([]);
      expect(await readdir(cacheDir)).toEqual([]);
      await expect(reader.put(info('v000009'), new Uint8Array([9]))).rejects.toMatchObject({ code: 'read_only' });
      await expect(reader.delete('v000009')).rejects.toMatchObject({ code: 'read_only' });
      expect(await reader.checkpointDir('v000001')).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('needs the API key when the server has one: 401 without, 403 wrong, reads with it', async () => {
    const writer = createFsModelStore({ dir: await tempDir('discern-models-served-') });
    await writer.put(info('v000001'), new Uint8Array([1]));
    const server = await serveModelStore(writer, { port: 0, host: '127.0.0.1', apiKey: 'secret' });
    try {
      expect((await fetch(`${server.url}/v1/versions`)).status).toBe(401);
      expect((await fetch(`${server.url}/v1/versions`, { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
      const badId = await fetch(`${server.url}/v1/versions/..%2Fx`, { headers: { 'x-api-key': 'secret' } });
      expect(badId.status).toBe(400);
      expect((await badId.json()).error.issues[0].path).toBe('id');
      const reader = createHttpModelStore({ url: server.url, cacheDir: await tempDir('discern-models-cache-'), apiKey: 'secret' });
      expect(await reader.get('v000001')).toEqual(info('v000001'));
      const anonymous = createHttpModelStore({ url: server.url, cacheDir: await tempDir('discern-models-cache-') });
      await expect(anonymous.get('v000001')).rejects.toThrow(/401/);
    } finally {
      await server.close();
    }
  });
});
