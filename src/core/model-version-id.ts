import { ModelStoreError } from './model-store';

/**
 * The one grammar of model version ids: `v` and six digits (`v000001` … `v999999`), so ids
 * sort as strings in creation order and are safe as directory names, URL path segments and
 * collection-name suffixes.
 */
export const MODEL_VERSION_ID_PATTERN = /^v\d{6}$/;

const MAX_VERSION = 999_999;

/**
 * Whether `id` is a model version id.
 *
 * @example
 * isModelVersionId('v000012'); // true
 * isModelVersionId('.x'); // false
 */
export function isModelVersionId(id: unknown): id is string {
  return typeof id === 'string' && MODEL_VERSION_ID_PATTERN.test(id);
}

/**
 * The id after the highest version id in `existing` (other ids are ignored).
 *
 * @example
 * nextModelVersionId([]); // 'v000001'
 * nextModelVersionId(['v000001', 'v000012']); // 'v000013'
 */
export function nextModelVersionId(existing: Iterable<string>): string {
  let highest = 0;
  for (const id of existing) {
    if (isModelVersionId(id)) highest = Math.max(highest, Number(id.slice(1)));
  }
  if (highest >= MAX_VERSION) throw new ModelStoreError('existing: version ids are exhausted (v999999 reached)', 'conflict', 'existing');
  return `v${String(highest + 1).padStart(6, '0')}`;
}
