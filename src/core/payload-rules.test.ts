import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttributesSchema, EVENT_LIMITS, ItemIdSchema, ItemSchema, LabelSchema } from '../events';
import { PAYLOAD_LIMITS } from './payload-rules';
import { createVectorStore } from '../store';
import type { VectorStore } from './vector-store';

const NAMES = ['color', 'color_primary', '_private', 'size-eu', 'a'.repeat(64), 'color.primary', 'a[0]', 'a b', '9lives', '', 'é', 'a'.repeat(65), '__proto__', 'constructor', 'prototype'];

describe('payload rules: the API schemas and a vector store agree', () => {
  let dir: string;
  let store: VectorStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'discern-payload-rules-'));
    store = await createVectorStore({ kind: 'embedded', dir });
    await store.createCollection('rules', { dimension: 2, distance: 'cosine' });
  });

  afterAll(async () => {
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('accepts exactly the attribute names and labels the store accepts, and names the field of the rest', async () => {
    const verdicts: Array<{ name: string; schema: boolean; store: boolean }> = [];
    for (const name of NAMES) {
      // Built like JSON.parse builds a request body: `__proto__` as an own key.
      const attributes = JSON.parse(`{${JSON.stringify(name)}:"v"}`);
      const schema = AttributesSchema.safeParse(attributes);
      const stored: boolean = await store.upsert('rules', [{ id: `n${verdicts.length}`, vector: [1, 0], payload: { attributes } }]).then(
        () => true,
        () => false,
      );
      verdicts.push({ name, schema: schema.success, store: stored });
      if (!schema.success) expect(schema.error.issues[0].path).toEqual([name]);
    }
    expect(verdicts.map((v) => v.schema)).toEqual(verdicts.map((v) => v.store));
    expect(verdicts.filter((v) => v.schema).map((v) => v.name)).toEqual(NAMES.slice(0, 5));

    for (const label of ['shoe', '', 'x'.repeat(256), 'x'.repeat(257)]) {
      const stored: boolean = await store.upsert('rules', [{ id: 'label', vector: [1, 0], payload: { label } }]).then(
        () => true,
        () => false,
      );
      expect(LabelSchema.safeParse(label).success, `label of ${label.length} characters`).toBe(stored);
    }
  });

  it('accepts as a point id every item id the API accepts', async () => {
    const longest = 'a'.repeat(EVENT_LIMITS.idMaxChars);
    expect(ItemIdSchema.safeParse(longest).success).toBe(true);
    expect(ItemIdSchema.safeParse(`${longest}a`).success).toBe(false);
    await store.upsert('rules', [{ id: longest, vector: [1, 0], payload: {} }]);
    // Item ids are ASCII, so their longest is well inside the store's bound in bytes.
    expect(EVENT_LIMITS.idMaxChars).toBeLessThanOrEqual(PAYLOAD_LIMITS.idMaxBytes);
  });

  it('rejects the item the store would refuse, naming the attribute', () => {
    const result = ItemSchema.safeParse({ id: 'pill-1', attributes: { 'color.primary': 'red' }, pixels: { width: 1, height: 1, channels: 1, data: [0] } });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ path: ['attributes', 'color.primary'], message: expect.stringMatching(/^attribute names must be/) });
  });
});
