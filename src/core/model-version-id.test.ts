import { describe, expect, it } from 'vitest';
import { collectionForVersion, versionOfCollection } from './catalog-naming';
import { ModelStoreError } from './model-store';
import { isModelVersionId, nextModelVersionId } from './model-version-id';

describe('model version ids', () => {
  it('are v and six digits, nothing else', () => {
    for (const id of ['v000001', 'v999999', 'v123456']) expect(isModelVersionId(id), id).toBe(true);
    for (const id of ['.x', '-x', '_x', 'v1', 'v0000001', 'V000001', 'v00000a', ' v000001', 'v000001\n', '', 42, undefined]) {
      expect(isModelVersionId(id), String(id)).toBe(false);
    }
  });

  it('count up from the highest one, ignoring other names', () => {
    expect(nextModelVersionId([])).toBe('v000001');
    expect(nextModelVersionId(['v000009', 'v000002', 'draft', 'v12', '.v000050'])).toBe('v000010');
    expect(() => nextModelVersionId(['v999999'])).toThrow(ModelStoreError);
  });

  it('name collections, and only such names name a version of the alias', () => {
    expect(collectionForVersion('catalog', 'v000012')).toBe('catalog_v000012');
    expect(versionOfCollection('catalog', 'catalog_v000012')).toBe('v000012');
    for (const name of ['catalog_tmp', 'catalog_', 'catalog_v1', 'other_v000012', 'catalog_v000012_old', 'catalogue_v000012']) {
      expect(versionOfCollection('catalog', name), name).toBeUndefined();
    }
  });
});
