import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random';
import { registerVectorStoreContract } from '../vector-store.contract';
import { encodeUpsert } from './segment-log';
import { openEmbeddedVectorStore } from './index';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'discern-vectors-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const contractDir = await tempDir();
registerVectorStoreContract('embedded', {
  open: () => openEmbeddedVectorStore({ dir: contractDir }),
  reopen: async (store) => {
    await store.close();
    return openEmbeddedVectorStore({ dir: contractDir });
  },
});

function unitVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dimension }, () => random() * 2 - 1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe('embedded vector store durability', () => {
  it('drops a torn tail after a crash and keeps every whole record', async () => {
    const dir = await tempDir();
    const vectors = unitVectors(10, 4, 1);
    let store = await openEmbeddedVectorStore({ dir });
    await store.createCollection('c', { dimension: 4, distance: 'cosine' });
    await store.upsert('c', vectors.map((vector, i) => ({ id: `p${i}`, vector, payload: { label: `l${i}` } })));
    await store.close();

    const segment = join(dir, 'collections', 'c', 'segment.log');
    const whole = (await stat(segment)).size;
    const frame = encodeUpsert('torn', new Float32Array([1, 0, 0, 0]), { label: 'torn' });
    await appendFile(segment, frame.subarray(0, frame.length - 5));

    store = await openEmbeddedVectorStore({ dir });
    expect((await store.listCollections())[0].count).toBe(10);
    expect(await store.get('c', 'torn')).toBeUndefined();
    expect((await store.get('c', 'p9'))?.payload).toEqual({ label: 'l9' });
    expect((await stat(segment)).size).toBe(whole);
    await store.upsert('c', [{ id: 'after', vector: [0, 1, 0, 0], payload: {} }]);
    await store.close();

    store = await openEmbeddedVectorStore({ dir });
    expect((await store.listCollections())[0].count).toBe(11);
    expect(await store.get('c', 'after')).toBeDefined();
    await store.close();
  });

  it('stops at a frame whose checksum does not match', async () => {
    const dir = await tempDir();
    let store = await openEmbeddedVectorStore({ dir });
    await store.createCollection('c', { dimension: 2, distance: 'dot' });
    await store.upsert('c', [{ id: 'a', vector: [1, 2], payload: {} }]);
    await store.upsert('c', [{ id: 'b', vector: [3, 4], payload: {} }]);
    await store.close();
    const segment = join(dir, 'collections', 'c', 'segment.log');
    const bytes = await readFile(segment);
    bytes[bytes.length - 3] ^= 0xff;
    await writeFile(segment, bytes);
    store = await openEmbeddedVectorStore({ dir });
    expect(await store.get('c', 'a')).toBeDefined();
    expect(await store.get('c', 'b')).toBeUndefined();
    await store.close();
  });

  it('compacts superseded records and reopens to the same state', async () => {
    const dir = await tempDir();
    const vectors = unitVectors(50, 8, 2);
    let store = await openEmbeddedVectorStore({ dir, compactAfterDeadRecords: 100 });
    await store.createCollection('c', { dimension: 8, distance: 'cosine' });
    const segment = join(dir, 'collections', 'c', 'segment.log');
    await store.upsert('c', vectors.map((vector, i) => ({ id: `p${i}`, vector, payload: { label: 'v0' } })));
    const oneGeneration = (await stat(segment)).size;
    for (let round = 1; round <= 4; round++) {
      await store.upsert('c', vectors.map((vector, i) => ({ id: `p${i}`, vector, payload: { label: `v${round}` } })));
    }
    await store.delete('c', ['p0', 'p1']);
    const size = (await stat(segment)).size;
    expect(size).toBeLessThan(oneGeneration * 3);
    await store.close();

    store = await openEmbeddedVectorStore({ dir, compactAfterDeadRecords: 100 });
    expect((await store.listCollections())[0].count).toBe(48);
    expect((await store.get('c', 'p2'))?.payload).toEqual({ label: 'v4' });
    expect(await store.get('c', 'p0')).toBeUndefined();
    const hits = await store.search('c', vectors[10], { k: 1 });
    expect(hits[0].id).toBe('p10');
    expect(hits[0].score).toBeCloseTo(1, 5);
    await store.close();
  });

  it('writes aliases to one JSON file and refuses an alias that names a collection', async () => {
    const dir = await tempDir();
    const store = await openEmbeddedVectorStore({ dir });
    await store.createCollection('catalog_v000001', { dimension: 2, distance: 'cosine' });
    await store.createCollection('catalog_v000002', { dimension: 2, distance: 'cosine' });
    await store.setAlias('catalog', 'catalog_v000001');
    await store.setAlias('catalog', 'catalog_v000002');
    const file = JSON.parse(await readFile(join(dir, 'aliases.json'), 'utf8'));
    expect(file.aliases).toEqual({ catalog: 'catalog_v000002' });
    await expect(store.setAlias('catalog_v000001', 'catalog_v000002')).rejects.toMatchObject({ code: 'conflict', field: 'alias' });
    await expect(store.setAlias('x', 'missing')).rejects.toMatchObject({ code: 'not_found', field: 'collection' });
    await expect(store.createCollection('catalog', { dimension: 2, distance: 'cosine' })).rejects.toMatchObject({ code: 'conflict' });
    expect(await store.resolveAlias('constructor')).toBeUndefined();
    await store.createCollection('constructor', { dimension: 2, distance: 'cosine' });
    await store.close();
    await expect(store.search('catalog', [1, 0], { k: 1 })).rejects.toMatchObject({ code: 'unavailable' });
  });
});
