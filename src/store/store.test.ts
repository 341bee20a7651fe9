import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config';
import { createModelStore, createVectorStore, vectorStoreFromConfig } from './index';

describe('store composition root', () => {
  it('opens the embedded store and the filesystem model store from config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-store-'));
    try {
      const vectors = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
      await vectors.createCollection('c', { dimension: 2, distance: 'cosine' });
      expect(await vectors.listCollections()).toEqual([{ name: 'c', dimension: 2, distance: 'cosine', count: 0 }]);
      await vectors.close();
      const models = createModelStore({ kind: 'fs', dir });
      expect(await models.list()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('builds a Qdrant store without contacting it, and rejects unknown kinds naming the field', async () => {
    const qdrant = await createVectorStore({ kind: 'qdrant', url: 'http://127.0.0.1:1' });
    expect((await qdrant.health()).ok).toBe(false);
    await expect(createVectorStore({ kind: 'redis' } as never)).rejects.toMatchObject({ field: 'kind' });
    await expect(createVectorStore({ kind: 'qdrant', url: 'localhost' })).rejects.toMatchObject({ field: 'url' });
    expect(() => createModelStore({ kind: 's3' } as never)).toThrow(/kind/);
  });

  it('opens the vector store the settings name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'discern-store-'));
    try {
      const vectors = await vectorStoreFromConfig(loadConfig({ DISCERN_VECTOR_STORE: 'embedded', DISCERN_DATA_DIR: dir }));
      await vectors.createCollection('c', { dimension: 2, distance: 'cosine' });
      await vectors.close();
      const reopened = await createVectorStore({ kind: 'embedded', dir: join(dir, 'vectors') });
      expect((await reopened.listCollections()).map((c) => c.name)).toEqual(['c']);
      await reopened.close();
      const qdrant = await vectorStoreFromConfig(loadConfig({ DISCERN_VECTOR_STORE: 'qdrant', QDRANT_URL: 'http://127.0.0.1:1' }));
      expect((await qdrant.health()).ok).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
